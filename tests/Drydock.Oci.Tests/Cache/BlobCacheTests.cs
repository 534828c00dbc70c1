using Drydock.Oci.Cache;
using Drydock.Oci.Model;

namespace Drydock.Oci.Tests.Cache;

public sealed class BlobCacheTests : IDisposable
{
    private static readonly byte[] _content = "hello, cache"u8.ToArray();

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("drydock-cache-test-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAsync_stores_under_digest()
    {
        var cache = new BlobCache(_directory.FullName);
        var descriptor = DescriptorOf(_content);

        var path = await cache.AddAsync(descriptor, new MemoryStream(_content), "test", Cancellation);

        Assert.Equal(Path.Combine(_directory.FullName, "blobs", "sha256", descriptor.Digest.Hex), path);
        Assert.Equal(_content, await File.ReadAllBytesAsync(path, Cancellation));
        Assert.True(cache.Contains(descriptor));
    }

    [Fact]
    public async Task AddAsync_rejects_wrong_content_and_leaves_nothing()
    {
        var cache = new BlobCache(_directory.FullName);
        var descriptor = DescriptorOf(_content);
        var other = "hello, cachf"u8.ToArray();

        var error = await Assert.ThrowsAsync<DigestMismatchException>(
            () => cache.AddAsync(descriptor, new MemoryStream(other), "test", Cancellation));

        Assert.Contains(descriptor.Digest.ToString(), error.Message, StringComparison.Ordinal);
        Assert.False(cache.Contains(descriptor));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache.Root, "tmp")));
    }

    [Fact]
    public async Task WriteThrough_abandoned_read_leaves_nothing()
    {
        var cache = new BlobCache(_directory.FullName);
        var descriptor = DescriptorOf(_content);

        await using (var stream = cache.WriteThrough(
            descriptor, new VerifyingStream(new MemoryStream(_content), descriptor, "test")))
        {
            await stream.ReadExactlyAsync(new byte[4], Cancellation);
        }

        Assert.False(cache.Contains(descriptor));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache.Root, "tmp")));
    }

    [Fact]
    public async Task TryOpen_detects_damaged_file()
    {
        var cache = new BlobCache(_directory.FullName);
        var descriptor = DescriptorOf(_content);
        var path = await cache.AddAsync(descriptor, new MemoryStream(_content), "test", Cancellation);
        await File.WriteAllBytesAsync(path, "HELLO, CACHE"u8.ToArray(), Cancellation);

        await using var stream = cache.TryOpen(descriptor)!;

        await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null, Cancellation));
    }

    [Fact]
    public void TryOpen_missing_returns_null()
    {
        Assert.Null(new BlobCache(_directory.FullName).TryOpen(DescriptorOf(_content)));
    }

    [Fact]
    public void CacheDirectory_prefers_override()
    {
        Assert.Equal(Path.GetFullPath("/tmp/x"), CacheDirectory.Resolve("/tmp/x"));
    }

    internal static Descriptor DescriptorOf(byte[] content) => new()
    {
        MediaType = MediaTypes.OciLayer,
        Digest = Digest.Compute(content),
        Size = content.Length,
    };
}
