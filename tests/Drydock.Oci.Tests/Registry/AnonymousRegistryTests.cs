using System.Net;
using System.Text.Json;
using Drydock.Oci.Model;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;
using Drydock.Testing.Registry;

namespace Drydock.Oci.Tests.Registry;

/// <summary>Pull and push against a real docker-registry, with skopeo as the independent peer.</summary>
public sealed class AnonymousRegistryTests : IAsyncLifetime
{
    private readonly RegistryTestContext _context = new();
    private RegistryServer _registry = null!;

    public async ValueTask InitializeAsync() => _registry = await RegistryServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _context.Dispose();
    }

    [Fact]
    public async Task Pull_manifest_pushed_by_skopeo()
    {
        var image = await PushTinyAsync("pull/manifest", ["linux/amd64"]);
        await using var source = ImageTransports.OpenSource($"{_registry.Host}/pull/manifest:v1", _context.Options);

        var manifest = await source.GetManifestAsync(RegistryTestContext.Cancellation);

        Assert.Equal(image.RootDigest, manifest.Digest.ToString());
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
    }

    [Fact]
    public async Task Pull_by_digest()
    {
        var image = await PushTinyAsync("pull/digest", ["linux/amd64"]);
        await using var source = ImageTransports.OpenSource(
            $"docker://{_registry.Host}/pull/digest@{image.RootDigest}", _context.Options);

        var manifest = await source.GetManifestAsync(RegistryTestContext.Cancellation);

        Assert.Equal(image.RootDigest, manifest.Digest.ToString());
    }

    [Fact]
    public async Task Pull_blob_verifies_and_caches()
    {
        var image = await PushTinyAsync("pull/blob", ["linux/amd64"], layerSize: 3 << 20);
        await using var source = ImageTransports.OpenSource($"{_registry.Host}/pull/blob:v1", _context.Options);
        var layer = (await source.GetManifestAsync(RegistryTestContext.Cancellation)).ParseManifest().Layers[0];

        await using (var stream = await source.OpenBlobAsync(layer, RegistryTestContext.Cancellation))
        {
            await stream.CopyToAsync(Stream.Null, RegistryTestContext.Cancellation);
        }

        Assert.Equal(image.LayerDigests[0], layer.Digest.ToString());
        Assert.True(_context.Cache.Contains(layer));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_context.Cache.Root, "tmp")));
    }

    [Fact]
    public async Task Pull_blob_with_wrong_size_fails()
    {
        await PushTinyAsync("pull/wrong-size", ["linux/amd64"]);
        await using var source = ImageTransports.OpenSource($"{_registry.Host}/pull/wrong-size:v1", _context.Options);
        var layer = (await source.GetManifestAsync(RegistryTestContext.Cancellation)).ParseManifest().Layers[0];
        var lying = layer with { Size = layer.Size - 1 };

        var error = await Assert.ThrowsAsync<DigestMismatchException>(async () =>
        {
            await using var stream = await source.OpenBlobAsync(lying, RegistryTestContext.Cancellation);
            await stream.CopyToAsync(Stream.Null, RegistryTestContext.Cancellation);
        });

        Assert.Contains(layer.Digest.ToString(), error.Message, StringComparison.Ordinal);
        Assert.False(_context.Cache.Contains(lying));
    }

    [Fact]
    public async Task Pull_missing_tag_is_manifest_unknown()
    {
        await PushTinyAsync("pull/missing", ["linux/amd64"]);
        await using var source = ImageTransports.OpenSource($"{_registry.Host}/pull/missing:nope", _context.Options);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => source.GetManifestAsync(RegistryTestContext.Cancellation));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", Assert.Single(error.Errors).Code);
        Assert.Equal("GET", error.Method);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task Copy_is_readable_by_skopeo()
    {
        var image = await PushTinyAsync("copy/source", ["linux/amd64"]);

        var result = await _context.CopyAsync($"{_registry.Host}/copy/source:v1", $"{_registry.Host}/copy/target:v2");

        var raw = await Skopeo.RunAsync("inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/copy/target:v2");
        Assert.Equal(image.RootDigest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(raw)).ToString());
        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        await Skopeo.RunAsync(
            "copy", "--src-tls-verify=false", $"docker://{_registry.Host}/copy/target:v2",
            $"oci:{_context.NewDirectory("skopeo-out")}:v2");
    }

    [Fact]
    public async Task Copy_twice_skips_present_blobs()
    {
        await PushTinyAsync("again/source", ["linux/amd64"]);
        await _context.CopyAsync($"{_registry.Host}/again/source:v1", $"{_registry.Host}/again/target:v1");

        var second = await _context.CopyAsync($"{_registry.Host}/again/source:v1", $"{_registry.Host}/again/target:v1");

        Assert.Equal(0, second.BlobsCopied);
        Assert.Equal(2, second.BlobsSkipped);
    }

    [Fact]
    public async Task Copy_by_digest_destination()
    {
        var image = await PushTinyAsync("digest/source", ["linux/amd64"]);

        await _context.CopyAsync(
            $"{_registry.Host}/digest/source:v1", $"{_registry.Host}/digest/target@{image.RootDigest}");

        // The repository has no tags, so skopeo must not list them.
        var inspected = await Skopeo.RunAsync(
            "inspect", "--no-tags", "--tls-verify=false", $"docker://{_registry.Host}/digest/target@{image.RootDigest}");
        Assert.Equal(image.RootDigest, JsonDocument.Parse(inspected).RootElement.GetProperty("Digest").GetString());
    }

    [Fact]
    public async Task Copy_selects_platform_from_index()
    {
        var image = await PushTinyAsync("multi/source", ["linux/amd64", "linux/arm64"]);

        var result = await _context.CopyAsync(
            $"{_registry.Host}/multi/source:v1",
            $"{_registry.Host}/multi/arm:v1",
            new CopyOptions { Platform = Platform.Parse("linux/arm64") });

        Assert.Equal(image.ManifestDigests[1], result.Root.Digest.ToString());
        var inspected = await Skopeo.RunAsync("inspect", "--tls-verify=false", $"docker://{_registry.Host}/multi/arm:v1");
        Assert.Equal("arm64", JsonDocument.Parse(inspected).RootElement.GetProperty("Architecture").GetString());
    }

    [Fact]
    public async Task Copy_all_platforms_keeps_index_bytes()
    {
        var image = await PushTinyAsync("multi/all", ["linux/amd64", "linux/arm64"]);

        var result = await _context.CopyAsync(
            $"{_registry.Host}/multi/all:v1", $"{_registry.Host}/multi/all-copy:v1", new CopyOptions { AllPlatforms = true });

        var raw = await Skopeo.RunAsync("inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/multi/all-copy:v1");
        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        Assert.Equal(image.RootDigest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(raw)).ToString());
        // Both repositories are on one registry, so every blob is mounted instead of sent.
        Assert.Equal(0, result.BlobsCopied);
        Assert.Equal(4, result.BlobsSkipped);
    }

    [Fact]
    public async Task Copy_unknown_platform_lists_available()
    {
        await PushTinyAsync("multi/none", ["linux/amd64", "linux/arm64"]);

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => _context.CopyAsync(
            $"{_registry.Host}/multi/none:v1",
            $"{_registry.Host}/multi/none-copy:v1",
            new CopyOptions { Platform = Platform.Parse("linux/s390x") }));

        Assert.Contains("'linux/s390x'", error.Message, StringComparison.Ordinal);
        Assert.Contains("linux/arm64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_docker_manifest_list()
    {
        var image = TinyImage.Create(_context.NewDirectory("docker-list"), "v1", ["linux/amd64", "linux/arm64"]);
        await Skopeo.PushAsync(image, $"{_registry.Host}/docker/list:v1", "--format", "v2s2");
        await using var source = ImageTransports.OpenSource($"{_registry.Host}/docker/list:v1", _context.Options);

        var (root, chosen) = await ManifestResolver.ResolveAsync(
            source, Platform.Parse("linux/arm64"), RegistryTestContext.Cancellation);

        Assert.Equal(MediaTypes.DockerManifestList, root.MediaType);
        Assert.Equal(MediaTypes.DockerManifest, chosen.MediaType);
        Assert.Equal("arm64", root.ParseIndex().Manifests.Single(m => m.Digest == chosen.Digest).Platform!.Architecture);
    }

    private async Task<TinyImage> PushTinyAsync(string repository, string[] platforms, int layerSize = 0)
    {
        var image = TinyImage.Create(
            _context.NewDirectory(repository.Replace('/', '-')), "v1", platforms, layerSize);
        await Skopeo.PushAsync(image, $"{_registry.Host}/{repository}:v1");
        return image;
    }
}
