// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using System.Security.Cryptography;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Testing.Registry;

namespace Drydock.Oci.Tests.Registry;

/// <summary>
/// Chunked blob uploads to a real docker-registry through a loopback proxy that records each
/// request and can reject chunks, cut one short or rewrite the registry's Range header.
/// </summary>
public sealed class ChunkedUploadTests : IAsyncLifetime
{
    private const int ChunkSize = 64 * 1024;
    private const int LayerSize = 300 * 1000;

    private readonly RegistryTestContext _context = new();
    private RegistryServer _registry = null!;
    private FaultProxy _proxy = null!;

    private ImageTransportOptions Options => _context.Options with { UploadChunkSize = ChunkSize };

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
    public async Task Large_blob_goes_in_chunks()
    {
        var image = CreateImage("whole");

        var result = await PushAsync(image, "chunk/whole");

        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        var patches = _proxy.Requests.Where(r => r.StartsWith("PATCH ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ChunkCount(result), patches.Count);
        Assert.All(patches, r => Assert.EndsWith("-> 202", r, StringComparison.Ordinal));
        await AssertSkopeoReadsAsync("chunk/whole:v1", image.RootDigest);
    }

    [Fact]
    public async Task Small_blob_goes_in_one_request()
    {
        var image = TinyImage.Create(_context.NewDirectory("small"), "v1", ["linux/amd64"]);

        await PushAsync(image, "chunk/small");

        Assert.Equal(0, Count("PATCH "));
        Assert.Equal(2, Count("PUT /v2/chunk/small/blobs/uploads/"));
    }

    [Fact]
    public async Task Failed_chunk_resumes_at_registry_offset()
    {
        var image = CreateImage("resume");
        _proxy.Fail("PATCH", "/chunk/resume/blobs/uploads/", 503, times: 1, skip: 2);

        var result = await PushAsync(image, "chunk/resume");

        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        Assert.Equal(1, Count("PATCH /v2/chunk/resume/blobs/uploads/") - ChunkCount(result));
        Assert.NotEqual(0, Count("GET /v2/chunk/resume/blobs/uploads/"));
        Assert.Equal(2, Count("POST /v2/chunk/resume/blobs/uploads/ -> 202"));
        await AssertSkopeoReadsAsync("chunk/resume:v1", image.RootDigest);
    }

    [Fact]
    public async Task Chunk_stored_in_part_starts_upload_again()
    {
        var image = CreateImage("cut");
        _proxy.CutChunk("/chunk/cut/blobs/uploads/");

        var result = await PushAsync(image, "chunk/cut");

        // docker-registry 2.8 keeps the half chunk but no longer accepts the old location, so
        // the status request fails and a new session receives the whole blob.
        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        Assert.Equal(1, Count("(cut to 32768 bytes)"));
        Assert.Single(_proxy.Requests, r => r.StartsWith("GET /v2/chunk/cut/blobs/uploads/", StringComparison.Ordinal)
            && r.EndsWith("-> 404", StringComparison.Ordinal));
        Assert.Equal(3, Count("POST /v2/chunk/cut/blobs/uploads/ -> 202"));
        await AssertSkopeoReadsAsync("chunk/cut:v1", image.RootDigest);
    }

    [Fact]
    public async Task Later_chunk_stored_in_part_starts_upload_again()
    {
        var image = CreateImage("later");
        _proxy.CutChunk("/chunk/later/blobs/uploads/", skip: 1);

        var result = await PushAsync(image, "chunk/later");

        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        Assert.Equal(1, Count("(cut to 32768 bytes)"));
        Assert.Equal(3, Count("POST /v2/chunk/later/blobs/uploads/ -> 202"));
        await AssertSkopeoReadsAsync("chunk/later:v1", image.RootDigest);
    }

    [Fact]
    public async Task Lost_upload_of_unreadable_content_fails()
    {
        var content = RandomNumberGenerator.GetBytes(LayerSize);
        var descriptor = new Descriptor
        {
            MediaType = MediaTypes.OciLayerGzip,
            Digest = Digest.Compute(content),
            Size = content.Length,
        };
        _proxy.CutChunk("/chunk/lost/blobs/uploads/", skip: 1);
        await using var destination = ImageTransports.OpenDestination($"{_proxy.Host}/chunk/lost:v1", Options);

        var error = await Assert.ThrowsAnyAsync<IOException>(() => destination.PutBlobAsync(
            descriptor, new NonSeekableStream(content), RegistryTestContext.Cancellation));

        Assert.Contains("'chunk/lost'", error.Message, StringComparison.Ordinal);
        Assert.False(await destination.HasBlobAsync(descriptor, RegistryTestContext.Cancellation));
    }

    [Theory]
    [InlineData("method not allowed", 405)]
    [InlineData("not implemented", 501)]
    [InlineData("range not satisfiable", 416)]
    public async Task Rejected_chunk_falls_back_to_one_request(string name, int status)
    {
        var image = CreateImage("rejected");
        _proxy.Fail("PATCH", "/chunk/rejected/blobs/uploads/", status, times: 1);

        var result = await PushAsync(image, "chunk/rejected");

        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        Assert.Equal(1, Count("PATCH "));
        Assert.Equal(2, Count("PUT /v2/chunk/rejected/blobs/uploads/"));
        await AssertSkopeoReadsAsync("chunk/rejected:v1", image.RootDigest);
    }

    [Fact]
    public async Task Registry_minimum_chunk_length_is_honoured()
    {
        var image = CreateImage("minimum");
        _proxy.RewriteHeader("POST", "/chunk/minimum/blobs/uploads/", "OCI-Chunk-Min-Length", "10000000", times: 2);

        await PushAsync(image, "chunk/minimum");

        Assert.Equal(0, Count("PATCH "));
    }

    [Theory]
    [InlineData("in a chunk answer", "PATCH")]
    [InlineData("in a status answer", "GET")]
    public async Task Range_beyond_sent_bytes_is_rejected(string name, string method)
    {
        var image = CreateImage("beyond");
        if (method == "GET")
        {
            _proxy.Fail("PATCH", "/chunk/beyond/blobs/uploads/", 503, times: 1, skip: 1);
        }

        _proxy.RewriteHeader(method, "/chunk/beyond/blobs/uploads/", "Range", "0-99999999");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PushAsync(image, "chunk/beyond"));

        Assert.Contains("'0-99999999'", error.Message, StringComparison.Ordinal);
        Assert.Contains(_proxy.Host, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no range", "bytes 0-5")]
    [InlineData("not from zero", "5-10")]
    public async Task Unreadable_range_is_rejected(string name, string range)
    {
        var image = CreateImage("unreadable");
        _proxy.RewriteHeader("PATCH", "/chunk/unreadable/blobs/uploads/", "Range", range);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PushAsync(image, "chunk/unreadable"));

        Assert.Contains($"'{range}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_digest_is_not_committed()
    {
        var content = RandomNumberGenerator.GetBytes(LayerSize);
        var claimed = new Descriptor
        {
            MediaType = MediaTypes.OciLayerGzip,
            Digest = Digest.Compute(RandomNumberGenerator.GetBytes(16)),
            Size = content.Length,
        };
        await using var destination = ImageTransports.OpenDestination($"{_proxy.Host}/chunk/wrong:v1", Options);

        await Assert.ThrowsAsync<DigestMismatchException>(() => destination.PutBlobAsync(
            claimed, new NonSeekableStream(content), RegistryTestContext.Cancellation));

        Assert.False(await destination.HasBlobAsync(claimed, RegistryTestContext.Cancellation));
        Assert.Equal(0, Count("PUT "));
    }

    private static int ChunkCount(CopyResult result) =>
        (int)result.Root.ParseManifest().Layers.Concat([result.Root.ParseManifest().Config])
            .Where(d => d.Size > ChunkSize)
            .Sum(d => (d.Size + ChunkSize - 1) / ChunkSize);

    private TinyImage CreateImage(string name) =>
        TinyImage.Create(_context.NewDirectory(name), "v1", ["linux/amd64"], layerSize: LayerSize);

    private Task<CopyResult> PushAsync(TinyImage image, string repository) =>
        _context.CopyAsync($"oci:{image.Directory}:v1", $"{_proxy.Host}/{repository}:v1", options: Options);

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

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;
    }
}
