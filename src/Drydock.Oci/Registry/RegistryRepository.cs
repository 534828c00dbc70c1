using System.Net;
using System.Net.Http.Headers;
using Drydock.Oci.Model;

namespace Drydock.Oci.Registry;

/// <summary>
/// The distribution API calls on one repository, as the OCI distribution spec v1.1
/// (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md) defines them.
/// Every response that is not the expected success passes <see cref="RegistryResponses"/>.
/// </summary>
internal sealed partial class RegistryRepository
    : IManifestFetcher, IManifestPusher, IBlobChecker, IBlobFetcher, IBlobPusher, IBlobMounter
{
    // Registries choose among these by the request's Accept header; an index is offered so
    // that multi-platform tags are not down-converted to one platform.
    private static readonly string[] _manifestMediaTypes =
    [
        MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest,
    ];

    private readonly RegistryClient _client;
    private readonly string _pullScope;
    private readonly string _pushScope;

    public RegistryRepository(RegistryClient client, string repository)
    {
        _client = client;
        Repository = repository;
        _pullScope = $"repository:{repository}:pull";
        _pushScope = $"repository:{repository}:pull,push";
    }

    public string Repository { get; }

    public RegistryClient Client => _client;

    /// <summary>Whether this repository is written to, so requests ask for push scope.</summary>
    public bool ForPush { get; init; }

    private string Scope => ForPush ? _pushScope : _pullScope;

    public async Task<RawManifest> FetchManifestAsync(string reference, CancellationToken cancellationToken)
    {
        using var response = await _client.SendAsync(
            baseUri =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, ManifestUri(baseUri, reference));
                foreach (var mediaType in _manifestMediaTypes)
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
                }

                return request;
            },
            Scope,
            replayable: true,
            cancellationToken,
            HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await RegistryResponses.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);

        var bytes = await ReadManifestBytesAsync(response, reference, cancellationToken).ConfigureAwait(false);
        var manifest = new RawManifest(bytes, MediaTypeOf(response, bytes));
        CheckDigest(manifest, reference, response);
        return manifest;
    }

    public async Task PushManifestAsync(RawManifest manifest, string reference, CancellationToken cancellationToken)
    {
        using var response = await _client.SendAsync(
            baseUri => new HttpRequestMessage(HttpMethod.Put, ManifestUri(baseUri, reference))
            {
                Content = ManifestContent(manifest),
            },
            _pushScope,
            replayable: true,
            cancellationToken).ConfigureAwait(false);
        await RegistryResponses.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> BlobExistsAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        using var response = await _client.SendAsync(
            baseUri => new HttpRequestMessage(HttpMethod.Head, BlobUri(baseUri, descriptor.Digest)),
            Scope,
            replayable: true,
            cancellationToken).ConfigureAwait(false);
        await RegistryResponses.EnsureSuccessAsync(response, cancellationToken, HttpStatusCode.NotFound)
            .ConfigureAwait(false);
        return response.StatusCode != HttpStatusCode.NotFound;
    }

    public async Task<Stream> FetchBlobAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        // NOTE: a connection that breaks mid-blob fails the read; there is no ranged resume yet.
        var response = await _client.SendAsync(
            baseUri => new HttpRequestMessage(HttpMethod.Get, BlobUri(baseUri, descriptor.Digest)),
            Scope,
            replayable: true,
            cancellationToken,
            HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        try
        {
            await RegistryResponses.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ResponseStream(stream, response, $"blob '{descriptor.Digest}' of '{_client.Host}/{Repository}'")
            {
                IdleTimeout = _client.ReadTimeout,
            };
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private Uri ManifestUri(Uri baseUri, string reference) =>
        new(baseUri, $"v2/{Repository}/manifests/{reference}");

    private Uri BlobUri(Uri baseUri, Digest digest) => new(baseUri, $"v2/{Repository}/blobs/{digest}");

    private static HttpContent ManifestContent(RawManifest manifest)
    {
        var content = new ReadOnlyMemoryContent(manifest.Bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
        return content;
    }

    private async Task<byte[]> ReadManifestBytesAsync(
        HttpResponseMessage response, string reference, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > RawManifest.MaxSize)
        {
            throw TooLarge(reference, response.Content.Headers.ContentLength.Value);
        }

        await using var stream = new ResponseStream(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), response,
            $"manifest '{_client.Host}/{Repository}:{reference}'")
        {
            IdleTimeout = _client.ReadTimeout,
        };
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > RawManifest.MaxSize)
            {
                throw TooLarge(reference, buffer.Length);
            }
        }

        return buffer.ToArray();
    }

    private InvalidDataException TooLarge(string reference, long size) => new(
        $"Manifest '{_client.Host}/{Repository}:{reference}' is {size} bytes or more, over the "
        + $"{RawManifest.MaxSize}-byte limit. Drydock does not read manifests that large.");

    // Registries label manifests by Content-Type; some send a generic JSON type, so then the
    // document's own mediaType field decides.
    private static string MediaTypeOf(HttpResponseMessage response, byte[] bytes)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        return MediaTypes.IsManifest(contentType) || MediaTypes.IsIndex(contentType)
            ? contentType!
            : RawManifest.SniffMediaType(bytes);
    }

    private void CheckDigest(RawManifest manifest, string reference, HttpResponseMessage response)
    {
        if (Digest.TryParse(reference, out var requested) && requested.Algorithm == "sha256"
            && requested != manifest.Digest)
        {
            throw new DigestMismatchException(
                $"Registry '{_client.Host}' returned manifest '{manifest.Digest}' for '{Repository}@{requested}'. "
                + "The registry is corrupt or not trustworthy.");
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values)
            && Digest.TryParse(values.FirstOrDefault(), out var announced) && announced.Algorithm == "sha256"
            && announced != manifest.Digest)
        {
            throw new DigestMismatchException(
                $"Registry '{_client.Host}' announced digest '{announced}' for '{Repository}:{reference}', "
                + $"but the manifest it sent has digest '{manifest.Digest}'.");
        }
    }
}
