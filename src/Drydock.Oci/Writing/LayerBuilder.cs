using System.Formats.Tar;
using System.IO.Compression;
using Drydock.IO;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;

namespace Drydock.Oci.Writing;

/// <summary>A layer blob written by <see cref="LayerBuilder"/>: its descriptor and uncompressed digest.</summary>
public sealed record BuiltLayer(Descriptor Descriptor, Digest DiffId);

/// <summary>
/// Builds a reproducible layer: entries sorted by path in byte order, every parent directory
/// present as its own entry, one modification time for all (<c>SOURCE_DATE_EPOCH</c> when set),
/// owners as given, PAX format with process-independent header names. The same entries give the same tar bytes and diff_id. The
/// compressed bytes also depend on the compressor, so they are stable for one Drydock build.
/// </summary>
public sealed class LayerBuilder
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101;
    private const UnixFileMode FileMode = (UnixFileMode)0b110_100_100;

    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _time;

    /// <param name="time">The time written on every entry when <c>SOURCE_DATE_EPOCH</c> is unset.</param>
    public LayerBuilder(DateTimeOffset time)
    {
        _time = SourceDateEpoch.Resolve(time);
    }

    public LayerBuilder AddFile(string path, ReadOnlyMemory<byte> content, UnixFileMode mode = FileMode,
        int uid = 0, int gid = 0) =>
        AddFile(path, () => new MemoryStream(content.ToArray(), writable: false), mode, uid, gid);

    /// <summary>Adds a file whose content is opened only when the layer is written.</summary>
    public LayerBuilder AddFile(string path, Func<Stream> open, UnixFileMode mode = FileMode, int uid = 0, int gid = 0) =>
        Add(path, new Entry(TarEntryType.RegularFile, mode, uid, gid) { Open = open });

    public LayerBuilder AddDirectory(string path, UnixFileMode mode = DirectoryMode, int uid = 0, int gid = 0) =>
        Add(path, new Entry(TarEntryType.Directory, mode, uid, gid));

    public LayerBuilder AddSymlink(string path, string target, int uid = 0, int gid = 0) =>
        Add(path, new Entry(TarEntryType.SymbolicLink, (UnixFileMode)0b111_111_111, uid, gid) { Target = target });

    /// <summary>Adds a hard link to a file added to this layer.</summary>
    public LayerBuilder AddHardLink(string path, string target, UnixFileMode mode = FileMode, int uid = 0, int gid = 0)
    {
        var normalized = Normalize(target);
        return Add(path, new Entry(TarEntryType.HardLink, mode, uid, gid) { Target = normalized });
    }

    /// <summary>Adds a whiteout that deletes <paramref name="path"/> from lower layers.</summary>
    public LayerBuilder AddWhiteout(string path)
    {
        var normalized = Normalize(path);
        var name = EntryPaths.Join(EntryPaths.Parent(normalized), ".wh." + normalized[(normalized.LastIndexOf('/') + 1)..]);
        return Add(name, new Entry(TarEntryType.RegularFile, FileMode, 0, 0));
    }

    /// <summary>Marks a directory opaque, hiding everything lower layers put in it.</summary>
    public LayerBuilder AddOpaqueDirectory(string path) =>
        Add(EntryPaths.Join(Normalize(path), ".wh..wh..opq"), new Entry(TarEntryType.RegularFile, FileMode, 0, 0));

    /// <summary>Writes the layer to <paramref name="output"/> and describes it with OCI media types.</summary>
    public Task<BuiltLayer> WriteAsync(Stream output, LayerCompression compression,
        CancellationToken cancellationToken) =>
        WriteBlobAsync(output, compression, tar => WriteTarAsync(tar, cancellationToken));

    /// <summary>
    /// Compresses an existing tar stream, such as an mmdebstrap tarball, into a layer blob. The
    /// tar is kept as it is, without sorting.
    /// </summary>
    public static Task<BuiltLayer> CompressAsync(Stream tar, Stream output, LayerCompression compression,
        CancellationToken cancellationToken) =>
        WriteBlobAsync(output, compression, hashing => tar.CopyToAsync(hashing, 1 << 20, cancellationToken));

    // Hashes the tar on its way into the compressor and the blob on its way out, giving the
    // diff_id and the descriptor in one pass.
    private static async Task<BuiltLayer> WriteBlobAsync(Stream output, LayerCompression compression,
        Func<Stream, Task> writeTar)
    {
        var compressed = new HashingWriteStream(output, leaveOpen: true);
        await using (compressed.ConfigureAwait(false))
        {
            Digest diffId;
            var compressor = Compress(compressed, compression);
            await using (compressor.ConfigureAwait(false))
            {
                var tar = new HashingWriteStream(compressor, leaveOpen: true);
                await using (tar.ConfigureAwait(false))
                {
                    await writeTar(tar).ConfigureAwait(false);
                    diffId = tar.Finish();
                }
            }

            var descriptor = new Descriptor
            {
                MediaType = LayerCompressions.OciMediaType(compression),
                Digest = compressed.Finish(),
                Size = compressed.BytesWritten,
            };
            return new BuiltLayer(descriptor, diffId);
        }
    }

    private async Task WriteTarAsync(Stream tar, CancellationToken cancellationToken)
    {
        var names = new PaxNameStream(tar);
        var writer = new TarWriter(names, TarEntryFormat.Pax, leaveOpen: true);
        await using (names.ConfigureAwait(false))
        await using (writer.ConfigureAwait(false))
        {
            foreach (var (path, entry) in WithParents())
            {
                var tarEntry = new PaxTarEntry(entry.Type, entry.Type == TarEntryType.Directory ? path + "/" : path,
                    new Dictionary<string, string>())
                {
                    Mode = entry.Mode,
                    Uid = entry.Uid,
                    Gid = entry.Gid,
                    ModificationTime = _time,
                };
                if (entry.Target is not null)
                {
                    tarEntry.LinkName = entry.Target;
                }

                if (entry.Open is null)
                {
                    await writer.WriteEntryAsync(tarEntry, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var content = entry.Open();
                await using (content.ConfigureAwait(false))
                {
                    tarEntry.DataStream = content;
                    await writer.WriteEntryAsync(tarEntry, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private SortedDictionary<string, Entry> WithParents()
    {
        var all = new SortedDictionary<string, Entry>(_entries, StringComparer.Ordinal);
        foreach (var path in _entries.Keys)
        {
            for (var parent = EntryPaths.Parent(path); parent.Length > 0; parent = EntryPaths.Parent(parent))
            {
                all.TryAdd(parent, new Entry(TarEntryType.Directory, DirectoryMode, 0, 0));
            }
        }

        return all;
    }

    private LayerBuilder Add(string path, Entry entry)
    {
        _entries[Normalize(path)] = entry;
        return this;
    }

    private static string Normalize(string path)
    {
        var normalized = EntryPaths.Normalize(path.TrimStart('/'));
        if (string.IsNullOrEmpty(normalized))
        {
            throw new ArgumentException($"Layer path '{path}' is empty or climbs out of the root with '..'.",
                nameof(path));
        }

        return normalized;
    }

    private static Stream Compress(Stream output, LayerCompression compression) => compression switch
    {
        // Optimal is zlib level 6, as gzip(1) and Go's compress/gzip default; GZipStream
        // writes a header with no name and a zero timestamp, so the header is fixed.
        LayerCompression.Gzip => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
        LayerCompression.Zstd => new ZstdSharp.CompressionStream(output, 3, leaveOpen: true),
        _ => new NonDisposingStream(output),
    };

    private sealed record Entry(TarEntryType Type, UnixFileMode Mode, int Uid, int Gid)
    {
        public Func<Stream>? Open { get; init; }

        public string? Target { get; init; }
    }
}
