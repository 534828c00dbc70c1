// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using System.Net;
using Drydock.Testing.Registry;

namespace Drydock.Oci.Tests.Registry;

/// <summary>
/// Cross-repository mounts on a real docker-registry, seen through a loopback proxy that
/// records each request and can answer a mount itself.
/// </summary>
public sealed class BlobMountTests : IAsyncLifetime
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
    public async Task Copy_within_registry_mounts_every_blob()
    {
        var image = await PushTinyAsync("mount/source");

        var result = await _context.CopyAsync($"{_proxy.Host}/mount/source:v1", $"{_proxy.Host}/mount/target:v1");

        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        Assert.Equal(0, result.BlobsCopied);
        Assert.Equal(2, result.BlobsSkipped);
        Assert.Equal(2, Count("POST /v2/mount/target/blobs/uploads/ -> 201"));
        Assert.Equal(0, Count("PATCH "));
        Assert.Equal(0, Count("PUT /v2/mount/target/blobs/uploads/"));
        Assert.Equal(0, Count("GET /v2/mount/source/blobs/"));
        await AssertSkopeoReadsAsync("mount/target:v1", image.RootDigest);
    }

    [Fact]
    public async Task Declined_mount_uploads_into_its_session()
    {
        var image = await PushTinyAsync("mount/gone");
        var layer = image.LayerDigests[0];

        // Drydock reads the image once, so the blob cache has the layer and the process knows
        // mount/gone holds it; then the registry forgets the layer there and declines the mount.
        await _context.CopyAsync($"{_proxy.Host}/mount/gone:v1", $"oci:{_context.NewDirectory("first")}:v1");
        using (var delete = await new HttpClient().DeleteAsync(
            new Uri($"http://{_registry.Host}/v2/mount/gone/blobs/{layer}"), RegistryTestContext.Cancellation))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        var result = await _context.CopyAsync($"{_proxy.Host}/mount/gone:v1", $"{_proxy.Host}/mount/kept:v1");

        Assert.Equal(1, result.BlobsCopied);
        Assert.Equal(1, Count("POST /v2/mount/kept/blobs/uploads/ -> 201"));
        Assert.Equal(1, Count("POST /v2/mount/kept/blobs/uploads/ -> 202"));
        Assert.Equal(1, Count("PUT /v2/mount/kept/blobs/uploads/"));
        await AssertSkopeoReadsAsync("mount/kept:v1", image.RootDigest);
    }

    [Theory]
    [InlineData("on another host", "http://169.254.169.254/v2/mount/upload")]
    [InlineData("not a URL", "http://[::1")]
    [InlineData("not HTTP", "file:///etc/passwd")]
    [InlineData("missing", null)]
    public async Task Mount_202_with_bad_location_opens_new_upload(string name, string? location)
    {
        var image = await PushTinyAsync("mount/hostile");
        var headers = location is null ? new Dictionary<string, string>() : new() { ["Location"] = location };
        _proxy.Answer("POST", "mount=", 202, headers, times: 2);

        var result = await _context.CopyAsync($"{_proxy.Host}/mount/hostile:v1", $"{_proxy.Host}/mount/safe:v1");

        Assert.Equal(2, result.BlobsCopied);
        Assert.Equal(2, Count("POST /v2/mount/safe/blobs/uploads/ -> 202 (injected)"));
        Assert.Equal(2, _proxy.Requests.Count(r => r == "POST /v2/mount/safe/blobs/uploads/ -> 202"));
        await AssertSkopeoReadsAsync("mount/safe:v1", image.RootDigest);
    }

    [Fact]
    public async Task Declined_mount_with_client_error_uploads()
    {
        var image = await PushTinyAsync("mount/denied");
        _proxy.Fail("POST", "mount=", 403, times: 2);

        var result = await _context.CopyAsync($"{_proxy.Host}/mount/denied:v1", $"{_proxy.Host}/mount/uploaded:v1");

        Assert.Equal(2, result.BlobsCopied);
        await AssertSkopeoReadsAsync("mount/uploaded:v1", image.RootDigest);
    }

    [Fact]
    public async Task Copy_from_other_registry_does_not_mount()
    {
        var image = await PushTinyAsync("mount/elsewhere");

        // The registry itself and the proxy are different hosts to Drydock.
        var result = await _context.CopyAsync($"{_registry.Host}/mount/elsewhere:v1", $"{_proxy.Host}/mount/here:v1");

        Assert.Equal(2, result.BlobsCopied);
        Assert.Equal(0, Count("POST /v2/mount/here/blobs/uploads/ -> 201"));
        Assert.Equal(2, Count("POST /v2/mount/here/blobs/uploads/ -> 202"));
        await AssertSkopeoReadsAsync("mount/here:v1", image.RootDigest);
    }

    private int Count(string part) => _proxy.Requests.Count(r => r.Contains(part, StringComparison.Ordinal));

    private async Task AssertSkopeoReadsAsync(string repositoryAndTag, string rootDigest)
    {
        var copy = _context.NewDirectory("skopeo-" + repositoryAndTag.Replace('/', '-').Replace(':', '-'));
        var digestFile = Path.Combine(copy, "digest");
        await Skopeo.RunAsync(
            "copy", "--src-tls-verify=false", "--digestfile", digestFile,
            $"docker://{_registry.Host}/{repositoryAndTag}", $"oci:{copy}/layout:v1");
        Assert.Equal(rootDigest, (await File.ReadAllTextAsync(digestFile, RegistryTestContext.Cancellation)).Trim());
    }

    private async Task<TinyImage> PushTinyAsync(string repository)
    {
        var image = TinyImage.Create(_context.NewDirectory(repository.Replace('/', '-')), "v1", ["linux/amd64"]);
        await Skopeo.PushAsync(image, $"{_registry.Host}/{repository}:v1");
        return image;
    }
}
