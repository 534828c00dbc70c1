using Drydock.Oci.Tests.Cache;

namespace Drydock.Oci.Tests;

public sealed class VerifyingStreamTests
{
    private static readonly byte[] _content = "layer bytes"u8.ToArray();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_matching_content()
    {
        await using var stream = new VerifyingStream(
            new MemoryStream(_content), BlobCacheTests.DescriptorOf(_content), "test");
        using var copy = new MemoryStream();

        await stream.CopyToAsync(copy, Cancellation);

        Assert.Equal(_content, copy.ToArray());
    }

    [Fact]
    public async Task Read_truncated_content_fails()
    {
        await using var stream = new VerifyingStream(
            new MemoryStream(_content[..5]), BlobCacheTests.DescriptorOf(_content), "truncated-source");

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null, Cancellation));

        Assert.Contains("truncated-source", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 5 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_oversized_content_fails_early()
    {
        var descriptor = BlobCacheTests.DescriptorOf(_content);
        var longer = _content.Concat(new byte[1 << 20]).ToArray();
        await using var stream = new VerifyingStream(new MemoryStream(longer), descriptor, "test");

        await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null, Cancellation));
    }

    [Fact]
    public async Task Read_wrong_digest_fails()
    {
        var descriptor = BlobCacheTests.DescriptorOf(_content);
        var flipped = _content.ToArray();
        flipped[0] ^= 1;
        await using var stream = new VerifyingStream(new MemoryStream(flipped), descriptor, "test");

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null, Cancellation));

        Assert.Contains(descriptor.Digest.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewind_restarts_verification()
    {
        await using var stream = new VerifyingStream(
            new MemoryStream(_content), BlobCacheTests.DescriptorOf(_content), "test");
        await stream.ReadExactlyAsync(new byte[3], Cancellation);

        stream.Position = 0;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Cancellation);

        Assert.Equal(_content, copy.ToArray());
    }

    [Fact]
    public void Empty_read_does_not_end_content()
    {
        using var stream = new VerifyingStream(
            new MemoryStream(_content), BlobCacheTests.DescriptorOf(_content), "test");

        Assert.Equal(0, stream.Read(Span<byte>.Empty));
        stream.CopyTo(Stream.Null);

        Assert.Equal(_content.Length, stream.BytesRead);
    }

    [Fact]
    public void Unchecked_content_gets_digest()
    {
        using var stream = new VerifyingStream(new MemoryStream(_content), null, null,
            (_, _) => new InvalidOperationException("No expectation can fail."));

        stream.Drain();

        Assert.Equal(Digest.Compute(_content), stream.ComputedDigest);
    }
}
