using Drydock.Oci.Model;

namespace Drydock.Oci.Cache;

/// <summary>
/// A content-addressed store of blobs on disk, <c>CACHE/blobs/ALGORITHM/HEX</c>, shared by all
/// commands. A blob enters only after its size and digest were verified, through a temporary
/// file renamed into place, so a reader never sees a partial blob. Blobs are verified again
/// when read, so a file damaged on disk is noticed.
/// </summary>
public sealed class BlobCache
{
    /// <param name="cacheDirectory">Drydock's cache directory, as <see cref="CacheDirectory"/> resolves it.</param>
    public BlobCache(string cacheDirectory)
    {
        Root = Path.Combine(cacheDirectory, "blobs");
    }

    /// <summary>The blobs directory.</summary>
    public string Root { get; }

    /// <summary>The path a blob has, or would have, in the cache.</summary>
    public string GetPath(Digest digest) => Path.Combine(Root, digest.Algorithm, digest.Hex);

    /// <summary>Returns whether the cache contains a file of the descriptor's size under its digest.</summary>
    public bool Contains(Descriptor descriptor)
    {
        var info = new FileInfo(GetPath(descriptor.Digest));
        return info.Exists && info.Length == descriptor.Size;
    }

    /// <summary>
    /// Opens a cached blob as a verifying stream, or returns null when the cache does not hold it.
    /// </summary>
    public Stream? TryOpen(Descriptor descriptor)
    {
        if (!Contains(descriptor))
        {
            return null;
        }

        try
        {
            var file = new FileStream(
                GetPath(descriptor.Digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            return new VerifyingStream(file, descriptor, "blob cache " + Root);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Wraps a stream so that what the caller reads is also written to the cache. The blob enters
    /// the cache when the caller reaches the end and <paramref name="verifiedContent"/> (a
    /// <see cref="VerifyingStream"/>) has accepted it; a caller that stops early leaves nothing.
    /// </summary>
    public Stream WriteThrough(Descriptor descriptor, Stream verifiedContent) =>
        new WriteThroughStream(this, descriptor, verifiedContent);

    /// <summary>Copies a blob into the cache, verifying it, and returns the cached path.</summary>
    public async Task<string> AddAsync(
        Descriptor descriptor, Stream content, string sourceName, CancellationToken cancellationToken)
    {
        if (content is WriteThroughStream)
        {
            // Reading it to the end puts it in the cache already.
            await content.CopyToAsync(Stream.Null, 1 << 16, cancellationToken).ConfigureAwait(false);
            return GetPath(descriptor.Digest);
        }

        await using var verifying = new VerifyingStream(content, descriptor, sourceName);
        await using var writing = WriteThrough(descriptor, verifying);
        await writing.CopyToAsync(Stream.Null, 1 << 16, cancellationToken).ConfigureAwait(false);
        return GetPath(descriptor.Digest);
    }

    internal FileStream CreateTemporary(out string path)
    {
        var directory = Path.Combine(Root, "tmp");
        Directory.CreateDirectory(directory);
        path = Path.Combine(directory, Guid.NewGuid().ToString("N"));
        return new FileStream(
            path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    internal void Publish(string temporaryPath, Digest digest)
    {
        var target = GetPath(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        // rename(2) replaces atomically, so two processes caching the same blob both succeed and
        // a reader sees either the old file or the new one, which have the same bytes.
        File.Move(temporaryPath, target, overwrite: true);
    }
}
