using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;

namespace Drydock.Oci.Registry;

// Blob uploads and mounts as the OCI distribution spec v1.1 describes them under "Pushing blobs"
// (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-blobs).
internal sealed partial class RegistryRepository
{
    // Chunks are held in memory while they are sent, so one chunk must fit in an array.
    private const int MaxChunkSize = 1 << 30;

    // How a registry rejects the first chunk of an upload it cannot take in chunks. 405 or 501
    // mean no chunked uploads at all, 413 a chunk too large, 400 or 416 a Content-Range it does
    // not accept, and 404 a session it dropped.
    private static readonly HashSet<HttpStatusCode> _chunkRejections =
    [
        HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed,
        HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.RequestedRangeNotSatisfiable,
        HttpStatusCode.NotImplemented,
    ];

    /// <summary>
    /// Sends <c>POST /v2/NAME/blobs/uploads/?mount=DIGEST&amp;from=OTHER</c> (distribution spec
    /// v1.1, "Mounting a blob from another repository"). 201 means mounted, 202 means the
    /// registry opened an upload session instead, and a client error means it declined.
    /// </summary>
    public async Task<MountResult> MountBlobAsync(
        Descriptor descriptor, string fromRepository, CancellationToken cancellationToken)
    {
        var query = "mount=" + Uri.EscapeDataString(descriptor.Digest.ToString())
            + "&from=" + Uri.EscapeDataString(fromRepository);
        var path = $"v2/{Repository}/blobs/uploads/?{query}";
        using var response = await _client.SendAsync(
            baseUri => new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, path))
            {
                Content = new ByteArrayContent([]),
            },
            $"{_pushScope} repository:{fromRepository}:pull",
            replayable: true,
            cancellationToken).ConfigureAwait(false);
        var logger = _client.Logger;
        var digest = descriptor.Digest.ToString();
        switch (response.StatusCode)
        {
            case HttpStatusCode.Created:
                RegistryLog.BlobMounted(logger, digest, fromRepository, Repository);
                return new MountResult(true, null);

            case HttpStatusCode.Accepted:
                var location = UploadLocation(response.Headers.Location);
                if (location is null)
                {
                    RegistryLog.MountSessionUnusable(logger, digest, Repository, LocationText(response));
                    return new MountResult(false, null);
                }

                return new MountResult(false, new UploadSession(location, MinChunkSize(response)));

            case var status when (int)status is >= 400 and < 500 && !RegistryException.IsRetryableStatus(status):
                RegistryLog.MountDeclined(logger, digest, fromRepository, Repository, (int)status);
                return new MountResult(false, null);
        }

        await RegistryResponses.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return new MountResult(false, null);
    }

    /// <summary>
    /// Uploads a blob in chunks when it is larger than the client's chunk size and the registry
    /// takes chunks, else monolithically: POST to open an upload session, unless one is given,
    /// then PUT the whole content with <c>?digest=</c>.
    /// </summary>
    public async Task PushBlobAsync(
        Descriptor descriptor,
        Func<Stream> openContent,
        bool replayable,
        UploadSession? session,
        CancellationToken cancellationToken)
    {
        session ??= await StartUploadAsync(cancellationToken).ConfigureAwait(false);
        var chunkSize = ChunkSizeFor(descriptor, session);
        if (chunkSize == 0)
        {
            await PutWholeAsync(descriptor, openContent, replayable, session.Location, cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        await PushInChunksAsync(descriptor, openContent, replayable, session, chunkSize, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task PushInChunksAsync(
        Descriptor descriptor,
        Func<Stream> openContent,
        bool replayable,
        UploadSession session,
        int chunkSize,
        CancellationToken cancellationToken)
    {
        Stream content;
        byte[]? rejectedChunk;
        for (var attempt = 1; ; attempt++)
        {
            content = openContent();
            try
            {
                rejectedChunk = await PushChunkedAsync(
                    descriptor, content, session.Location, chunkSize, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (UploadLostException e) when (replayable && _client.Retry.DelayBefore(attempt, null) is not null)
            {
                // The registry dropped the session after a failed chunk, so the upload starts over.
                await content.DisposeAsync().ConfigureAwait(false);
                RegistryLog.RestartingUpload(_client.Logger, descriptor.Digest.ToString(), Repository, e.Message);
                session = await StartUploadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await content.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        if (rejectedChunk is null)
        {
            await content.DisposeAsync().ConfigureAwait(false);
            return;
        }

        // The registry took no chunk, so a fresh session gets the whole blob in one request.
        // Its first attempt sends the chunk already read and then the rest of the same stream.
        var fresh = await StartUploadAsync(cancellationToken).ConfigureAwait(false);
        var firstAttempt = true;
        await PutWholeAsync(
            descriptor,
            () =>
            {
                if (!firstAttempt)
                {
                    return openContent();
                }

                firstAttempt = false;
                return new PrefixedStream(rejectedChunk, content);
            },
            replayable,
            fresh.Location,
            cancellationToken).ConfigureAwait(false);
    }

    private int ChunkSizeFor(Descriptor descriptor, UploadSession session)
    {
        if (_client.UploadChunkSize <= 0 || _client.ChunkedUploadsRejected)
        {
            return 0;
        }

        var size = Math.Max(_client.UploadChunkSize, session.MinChunkSize);
        return size < descriptor.Size && size <= MaxChunkSize ? (int)size : 0;
    }

    private async Task PutWholeAsync(
        Descriptor descriptor,
        Func<Stream> openContent,
        bool replayable,
        Uri location,
        CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.SendAsync(
                _ =>
                {
                    var body = new StreamContent(openContent(), 1 << 16);
                    body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    body.Headers.ContentLength = descriptor.Size;
                    return new HttpRequestMessage(HttpMethod.Put, WithDigest(location, descriptor.Digest))
                    {
                        Content = body,
                    };
                },
                _pushScope,
                replayable,
                cancellationToken).ConfigureAwait(false);
            await RegistryResponses.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is DigestMismatchException mismatch)
        {
            // HttpClient wraps what the content stream throws; the mismatch is the real error.
            throw mismatch;
        }
    }

    // Sends the content as PATCH requests of chunkSize bytes, then a PUT with the digest
    // ("Pushing a blob in chunks"). Returns null when the blob was pushed, or the bytes of the
    // first chunk when the registry rejected it before accepting anything.
    private async Task<byte[]?> PushChunkedAsync(
        Descriptor descriptor, Stream content, Uri location, int chunkSize, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            long offset = 0;
            while (offset < descriptor.Size)
            {
                // Asking for a whole chunk even at the end makes a verifying stream reach the
                // end of the content, where it checks the digest, before the last chunk is sent.
                var length = await content.ReadAtLeastAsync(
                    buffer.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken)
                    .ConfigureAwait(false);
                if (length == 0 || offset + length > descriptor.Size)
                {
                    throw WrongLength(descriptor, offset + length);
                }

                var next = await SendChunkAsync(location, buffer, offset, length, cancellationToken)
                    .ConfigureAwait(false);
                if (next is null)
                {
                    return buffer[..length];
                }

                location = next;
                offset += length;
            }

            if (await content.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) > 0)
            {
                throw WrongLength(descriptor, offset + 1);
            }

            await FinishUploadAsync(location, descriptor.Digest, cancellationToken).ConfigureAwait(false);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Sends buffer[0..length], bytes chunkStart onwards of the blob, and returns the upload
    // location for the next request, or null when the registry rejected the blob's first chunk.
    // After a failure it asks the registry how much it received (GET on the upload location)
    // and sends the rest from there, as long as the retry policy allows another attempt.
    private async Task<Uri?> SendChunkAsync(
        Uri location, byte[] buffer, long chunkStart, int length, CancellationToken cancellationToken)
    {
        var end = chunkStart + length;
        var offset = chunkStart;
        for (var attempt = 1; ; attempt++)
        {
            Exception failure;
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await _client.SendAsync(
                    _ => PatchRequest(
                        location, buffer.AsMemory((int)(offset - chunkStart), (int)(end - offset)), offset),
                    _pushScope,
                    replayable: true,
                    cancellationToken,
                    retryFailures: false).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    location = UploadLocation(response.Headers.Location) ?? location;
                    var received = ReceivedBytes(response, end, afterPatch: true);
                    if (received == end)
                    {
                        return location;
                    }

                    failure = new IOException(
                        $"Registry '{_client.Host}' accepted only {received} of the {end} bytes sent of an upload "
                        + $"to '{Repository}'.");
                }
                else if (offset == 0 && _chunkRejections.Contains(response.StatusCode))
                {
                    RegistryLog.ChunkedUploadRejected(_client.Logger, _client.Host, (int)response.StatusCode);
                    _client.ChunkedUploadsRejected = true;
                    return null;
                }
                else if (RegistryException.IsRetryableStatus(response.StatusCode)
                    || response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    var error = await RegistryResponses.CreateExceptionAsync(response, cancellationToken)
                        .ConfigureAwait(false);
                    retryAfter = error.RetryAfter;
                    failure = error;
                }
                else
                {
                    throw await RegistryResponses.CreateExceptionAsync(response, cancellationToken)
                        .ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not RegistryException && RegistryClient.IsTransient(e, cancellationToken))
            {
                failure = e;
            }

            var delay = _client.Retry.DelayBefore(attempt, retryAfter);
            if (delay is null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            await Task.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
            if (await QueryUploadAsync(location, end, cancellationToken).ConfigureAwait(false) is { } status)
            {
                (location, offset) = status;
            }
            else if (chunkStart == 0)
            {
                // Everything sent so far is in the buffer, so a new session can take it again.
                location = (await StartUploadAsync(cancellationToken).ConfigureAwait(false)).Location;
                offset = 0;
            }
            else
            {
                throw new UploadLostException(
                    $"Registry '{_client.Host}' no longer knows the upload to '{Repository}' after a failed "
                    + $"chunk ({failure.Message}), and the blob cannot be read again. Push the image again.");
            }

            if (offset < chunkStart)
            {
                throw new InvalidDataException(
                    $"Registry '{_client.Host}' reports {offset} bytes received for an upload to '{Repository}', "
                    + $"fewer than the {chunkStart} it had accepted. Push the image again.");
            }

            RegistryLog.ResumingUpload(
                _client.Logger, RegistryResponses.Redact(location), offset, failure.Message, attempt + 1,
                _client.Retry.MaxAttempts);
            if (offset == end)
            {
                return location;
            }
        }
    }

    private static HttpRequestMessage PatchRequest(Uri location, ReadOnlyMemory<byte> bytes, long offset)
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        // The spec's Content-Range is "START-END", inclusive, without HTTP's "bytes " unit, so
        // the typed header, which writes the unit, does not fit.
        content.Headers.TryAddWithoutValidation(
            "Content-Range", string.Create(CultureInfo.InvariantCulture, $"{offset}-{offset + bytes.Length - 1}"));
        return new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
    }

    // GET on the upload location returns 204 with the Range received so far
    // ("Getting the status of an upload" in distribution's API; "Get Blob Upload" in OCI v1.1),
    // or 404 when the registry dropped the session. distribution v2.8 signs the offset into the
    // location's _state parameter, so a chunk it stored in part after the client lost the
    // answer makes the location stale: it answers 404 BLOB_UPLOAD_INVALID then.
    private async Task<(Uri Location, long Received)?> QueryUploadAsync(
        Uri location, long sent, CancellationToken cancellationToken)
    {
        using var response = await _client.SendAsync(
            _ => new HttpRequestMessage(HttpMethod.Get, location),
            _pushScope,
            replayable: true,
            cancellationToken).ConfigureAwait(false);
        await RegistryResponses.EnsureSuccessAsync(response, cancellationToken, HttpStatusCode.NotFound)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var next = UploadLocation(response.Headers.Location) ?? location;
        return (next, ReceivedBytes(response, sent, afterPatch: false));
    }

    private async Task FinishUploadAsync(Uri location, Digest digest, CancellationToken cancellationToken)
    {
        using var response = await _client.SendAsync(
            _ =>
            {
                var content = new ByteArrayContent([]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                return new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = content };
            },
            _pushScope,
            replayable: true,
            cancellationToken).ConfigureAwait(false);
        await RegistryResponses.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    // Reads "Range: 0-END" (END inclusive) as the number of bytes the registry holds.
    private long ReceivedBytes(HttpResponseMessage response, long sent, bool afterPatch)
    {
        var text = response.Headers.TryGetValues("Range", out var values) ? values.FirstOrDefault() : null;
        if (text is null && afterPatch)
        {
            // The spec requires a Range on every 202, so a registry that leaves it out took the chunk.
            return sent;
        }

        var range = text?.StartsWith("bytes=", StringComparison.Ordinal) == true ? text["bytes=".Length..] : text;
        var dash = range?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        if (range is null || dash < 0 || range[..dash] != "0"
            || !long.TryParse(range[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            throw new InvalidDataException(
                $"Registry '{_client.Host}' sent the upload Range '{text}' for '{Repository}', which is not "
                + "'0-END'. Drydock cannot tell how much of the blob the registry received.");
        }

        // distribution v2.8 reports an empty upload as "0-0", the same as one byte. After a
        // PATCH that sent byte 0 it is that one byte; in a status answer it is taken as none.
        var received = last == 0 && !(afterPatch && sent == 1) ? 0 : last + 1;
        if (received > sent)
        {
            throw new InvalidDataException(
                $"Registry '{_client.Host}' sent the upload Range '{text}' for '{Repository}', beyond the "
                + $"{sent} bytes Drydock sent. The registry or a proxy in between is not trustworthy.");
        }

        return received;
    }

    private async Task<UploadSession> StartUploadAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.SendAsync(
            baseUri => new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, $"v2/{Repository}/blobs/uploads/"))
            {
                Content = new ByteArrayContent([]),
            },
            _pushScope,
            replayable: true,
            cancellationToken).ConfigureAwait(false);
        await RegistryResponses.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var location = UploadLocation(response.Headers.Location)
            ?? throw new InvalidDataException(
                $"Registry '{_client.Host}' opened an upload for '{Repository}' with the Location "
                + $"'{LocationText(response)}', which is missing or not on the registry. Drydock sends "
                + "uploads, and the credentials with them, only to the registry itself.");
        return new UploadSession(location, MinChunkSize(response));
    }

    // The spec allows a Location relative to the registry. One on another host is not used,
    // because every request to it would carry the registry's credentials.
    private Uri? UploadLocation(Uri? location)
    {
        if (location is null)
        {
            return null;
        }

        var absolute = location.IsAbsoluteUri ? location : new Uri(_client.BaseUri, location);
        var sameHost = absolute.Scheme is "http" or "https"
            && Uri.Compare(absolute, _client.BaseUri, UriComponents.HostAndPort, UriFormat.UriEscaped,
                StringComparison.OrdinalIgnoreCase) == 0;
        return sameHost ? absolute : null;
    }

    private static string LocationText(HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? location.IsAbsoluteUri ? RegistryResponses.Redact(location) : location.OriginalString
            : response.Headers.NonValidated.TryGetValues("Location", out var raw) ? raw.ToString() : string.Empty;

    // OCI v1.1 lets a registry announce the smallest chunk it takes, apart from the last one.
    private static long MinChunkSize(HttpResponseMessage response) =>
        response.Headers.TryGetValues("OCI-Chunk-Min-Length", out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : 0;

    private DigestMismatchException WrongLength(Descriptor descriptor, long atLeast) => new(
        $"Blob '{descriptor.Digest}' for '{_client.Host}/{Repository}' has "
        + $"{(atLeast > descriptor.Size ? "more" : "fewer")} than the {descriptor.Size} bytes its "
        + $"descriptor declares (read {atLeast}).");

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        var parameter = "digest=" + Uri.EscapeDataString(digest.ToString());
        builder.Query = query.Length > 0 ? query + "&" + parameter : parameter;
        return builder.Uri;
    }

    // A session the registry dropped in the middle of a chunked upload.
    private sealed class UploadLostException(string message) : IOException(message);
}
