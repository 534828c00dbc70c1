using System.Net;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;
using Drydock.Testing.Registry;

namespace Drydock.Oci.Tests.Registry;

/// <summary>A loopback proxy between Drydock and a real registry returns errors for chosen requests.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private readonly RegistryTestContext _context = new();
    private RegistryServer _registry = null!;
    private FaultProxy _proxy = null!;

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync();
        _proxy = FaultProxy.Start(_registry.Host);
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _registry.DisposeAsync();
        _context.Dispose();
    }

    [Fact]
    public async Task Manifest_503_then_success()
    {
        var image = await PushTinyAsync("fault/manifest");
        _proxy.Fail("GET", "/manifests/", 503, times: 2);
        await using var source = ImageTransports.OpenSource($"{_proxy.Host}/fault/manifest:v1", _context.Options);

        var manifest = await source.GetManifestAsync(RegistryTestContext.Cancellation);

        Assert.Equal(image.RootDigest, manifest.Digest.ToString());
        Assert.Equal(2, _proxy.Requests.Count(r => r.Contains("/manifests/v1 -> 503", StringComparison.Ordinal)));
        Assert.Single(_proxy.Requests, r => r.Contains("/manifests/v1 -> 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Blob_429_honours_retry_after()
    {
        await PushTinyAsync("fault/blob");
        _proxy.Fail("GET", "/blobs/sha256:", 429, times: 1, retryAfter: "1");

        // The copy goes to the registry's own address, another host to Drydock, so that it
        // sends the blobs instead of mounting them.
        var result = await _context.CopyAsync($"{_proxy.Host}/fault/blob:v1", $"{_registry.Host}/fault/blob-copy:v1");

        Assert.Equal(2, result.BlobsCopied);
        Assert.Single(_proxy.Requests, r => r.Contains("-> 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Push_survives_503_on_every_step()
    {
        var image = await PushTinyAsync("fault/push");
        _proxy.Fail("HEAD", "/fault/push-copy/blobs/", 503, times: 1);
        _proxy.Fail("POST", "/fault/push-copy/blobs/uploads/", 503, times: 1);
        _proxy.Fail("PUT", "/fault/push-copy/blobs/uploads/", 502, times: 1);
        _proxy.Fail("PUT", "/fault/push-copy/manifests/", 500, times: 1);

        var result = await _context.CopyAsync($"{_registry.Host}/fault/push:v1", $"{_proxy.Host}/fault/push-copy:v1");

        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        Assert.Equal(4, _proxy.Requests.Count(r => r.EndsWith("(injected)", StringComparison.Ordinal)));
        await Skopeo.RunAsync("inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/fault/push-copy:v1");
    }

    [Fact]
    public async Task Persistent_503_gives_up_with_retryable_error()
    {
        await PushTinyAsync("fault/down");
        _proxy.Fail("GET", "/manifests/", 503, times: 100);
        await using var source = ImageTransports.OpenSource($"{_proxy.Host}/fault/down:v1", _context.Options);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => source.GetManifestAsync(RegistryTestContext.Cancellation));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.True(error.IsRetryable);
        Assert.Equal(_context.Options.Retry.MaxAttempts, _proxy.Requests.Count(r => r.Contains("-> 503", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Retry_after_beyond_limit_is_not_waited_for()
    {
        await PushTinyAsync("fault/later");
        _proxy.Fail("GET", "/manifests/", 429, times: 1, retryAfter: "3600");
        await using var source = ImageTransports.OpenSource($"{_proxy.Host}/fault/later:v1", _context.Options);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => source.GetManifestAsync(RegistryTestContext.Cancellation));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
    }

    [Fact]
    public async Task Blob_cut_short_names_blob()
    {
        await PushTinyAsync("fault/cut");
        _proxy.CutBody("GET", "/blobs/sha256:", times: 100);
        await using var source = ImageTransports.OpenSource($"{_proxy.Host}/fault/cut:v1", _context.Options);
        var manifest = (await source.GetManifestAsync(RegistryTestContext.Cancellation)).ParseManifest();
        var layer = manifest.Layers[0];

        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await using var blob = await source.OpenBlobAsync(layer, RegistryTestContext.Cancellation);
            await blob.CopyToAsync(Stream.Null, RegistryTestContext.Cancellation);
        });

        Assert.Contains($"'{layer.Digest}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("fault/cut", error.Message, StringComparison.Ordinal);
        Assert.Contains($"of {layer.Size} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blob_that_stalls_fails_after_the_read_timeout()
    {
        await PushTinyAsync("fault/stall");
        _proxy.Stall("GET", "/blobs/sha256:", times: 100);
        var options = _context.Options with { ReadTimeout = TimeSpan.FromSeconds(1) };
        await using var source = ImageTransports.OpenSource($"{_proxy.Host}/fault/stall:v1", options);
        var manifest = (await source.GetManifestAsync(RegistryTestContext.Cancellation)).ParseManifest();
        var layer = manifest.Layers[0];

        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await using var blob = await source.OpenBlobAsync(layer, RegistryTestContext.Cancellation);
            var buffer = new byte[4096];
            while (blob.Read(buffer) > 0)
            {
            }
        });

        Assert.Contains($"'{layer.Digest}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("No data arrived", error.Message, StringComparison.Ordinal);
    }

    private async Task<TinyImage> PushTinyAsync(string repository)
    {
        var image = TinyImage.Create(_context.NewDirectory(repository.Replace('/', '-')), "v1", ["linux/amd64"]);
        await Skopeo.PushAsync(image, $"{_registry.Host}/{repository}:v1");
        return image;
    }
}
