using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Drydock.Oci;
using Drydock.Oci.Writing;

namespace Drydock.Images.Patch;

/// <summary>A gzip tar layer written to a temporary file, with its digests.</summary>
internal sealed class PatchLayer : IDisposable
{
    public PatchLayer(string path, Digest digest, Digest diffId, long size)
    {
        FilePath = path;
        Digest = digest;
        DiffId = diffId;
        Size = size;
    }

    public string FilePath { get; }

    public Digest Digest { get; }

    public Digest DiffId { get; }

    public long Size { get; }

    public void Dispose() => File.Delete(FilePath);
}

/// <summary>
/// Writes layer entries as a reproducible gzip tar: entries sorted by path with hard links
/// last (so their targets come first), PAX headers with no access or change times and no
/// process id in their names, and a gzip header without a name or time.
/// </summary>
internal static class PatchLayerWriter
{
    /// <summary>Writes the layer to a new file in <paramref name="directory"/>, deleted again on failure.</summary>
    public static PatchLayer Write(IEnumerable<LayerItem> items, string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, $"patch-layer-{Guid.NewGuid():N}.tar.gz");
        try
        {
            return WriteFile(items, path, cancellationToken);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static PatchLayer WriteFile(IEnumerable<LayerItem> items, string path, CancellationToken cancellationToken)
    {
        using var uncompressedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true))
        using (var hashing = new HashingWriter(gzip, uncompressedHash))
        using (var names = new PaxNameStream(hashing))
        using (var tar = new TarWriter(names, TarEntryFormat.Pax, leaveOpen: true))
        {
            var ordered = items
                .OrderBy(i => i.Type == TarEntryType.HardLink)
                .ThenBy(i => i.Path, StringComparer.Ordinal);
            foreach (var item in ordered)
            {
                cancellationToken.ThrowIfCancellationRequested();
                tar.WriteEntry(ToEntry(item));
            }
        }

        using var stream = File.OpenRead(path);
        var digest = Digest.FromSha256(SHA256.HashData(stream));
        var diffId = Digest.FromSha256(uncompressedHash.GetHashAndReset());
        return new PatchLayer(path, digest, diffId, new FileInfo(path).Length);
    }

    private static TarEntry ToEntry(LayerItem item)
    {
        var name = item.Type == TarEntryType.Directory ? item.Path + "/" : item.Path;

        // PAX headers carry only what ustar cannot: long names and link targets. Passing the
        // attributes keeps .NET from adding the current access and change times.
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (name.Length > 100)
        {
            attributes["path"] = name;
        }

        if (item.LinkTarget is { Length: > 100 })
        {
            attributes["linkpath"] = item.LinkTarget;
        }

        var entry = new PaxTarEntry(item.Type, name, attributes)
        {
            Mode = item.Mode,
            Uid = item.Uid,
            Gid = item.Gid,
            ModificationTime = item.ModificationTime,
        };
        if (item.LinkTarget is not null)
        {
            entry.LinkName = item.LinkTarget;
        }

        if (item.Type is TarEntryType.RegularFile)
        {
            entry.DataStream = item.Content is { } content ? new MemoryStream(content) : item.Spooled?.OpenRead();
        }

        return entry;
    }

    private sealed class HashingWriter(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
