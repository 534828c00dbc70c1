using System.Formats.Tar;
using System.IO.Compression;
using ZstdSharp;

namespace Drydock.Oci.Layers;

/// <summary>
/// Reads the entries of one layer blob in archive order, checking each against the rules for
/// hostile layers. The compressed digest and size are verified against the manifest's
/// descriptor and the uncompressed digest against the config's diff_id; both are checked when
/// the stream ends, so a caller must read to the end (<see cref="Next"/> returning null)
/// before trusting anything it read.
/// </summary>
public sealed class LayerReader : IDisposable
{
    private readonly ImageLayer _layer;
    private readonly LayerLimits _limits;
    private readonly VerifyingStream _compressed;
    private readonly VerifyingStream? _uncompressed;
    private readonly TarHeaderGuard _guard;
    private readonly ReadAheadStream? _readAhead;
    private readonly Stream _top;
    private readonly TarReader _tar;
    private bool _finished;

    private LayerReader(ImageLayer layer, Stream blob, LayerLimits limits, bool blobVerified)
    {
        _layer = layer;
        _limits = limits;
        _compressed = new VerifyingStream(blob, layer.Descriptor.Digest, layer.Descriptor.Size, CompressedMismatch)
        {
            ComputeDigest = !blobVerified,
        };
        var magic = ReadMagic(_compressed);
        Compression = LayerCompressions.Detect(magic);
        var inflated = Decompress(new PrefixedStream(magic, _compressed), Compression);

        // Decompression runs on a thread of its own, ahead of the hashing and tar parsing here.
        // Its errors surface on this thread, so they name the entry being read when they occur.
        if (Compression != LayerCompression.None)
        {
            inflated = _readAhead = new ReadAheadStream(inflated);
        }

        var decompressed = new DecompressionErrorStream(inflated, CorruptFrame);
        var guarded = new BombGuardStream(decompressed, () => _compressed.BytesRead, limits, Bomb);
        _guard = new TarHeaderGuard(guarded, limits.MaxHeaderSize, (problem, entry, reason) =>
            throw DamagedBlobError() ?? Fail(problem, entry, $"Layer {{0}} is rejected because {reason}."));
        _top = _guard;

        // The diff_id is checked above the header guard, so that a stream cut short is
        // reported as truncated rather than as a digest mismatch.
        var needsDiffCheck = Compression != LayerCompression.None || layer.DiffId != layer.Descriptor.Digest;
        if (needsDiffCheck)
        {
            _uncompressed = new VerifyingStream(_guard, layer.DiffId, null, UncompressedMismatch);
            _top = _uncompressed;
        }

        _tar = new TarReader(_top, leaveOpen: true);
    }

    /// <summary>The compression found from the stream's magic bytes.</summary>
    public LayerCompression Compression { get; }

    /// <summary>The layer being read.</summary>
    public ImageLayer Layer => _layer;

    /// <summary>
    /// The uncompressed digest, known once <see cref="Next"/> has returned null (for an
    /// uncompressed blob opened as already verified, the descriptor's digest).
    /// </summary>
    public Digest? DiffId => _uncompressed?.ComputedDigest ?? _compressed.ComputedDigest ?? _layer.Descriptor.Digest;

    /// <summary>Uncompressed bytes read so far.</summary>
    public long UncompressedBytes => _uncompressed?.BytesRead ?? _compressed.BytesRead;

    /// <summary>
    /// Opens a layer blob for reading. The compression is taken from the stream's magic bytes,
    /// so a media type that lies about it does no harm. The stream is disposed with the reader.
    /// Set <paramref name="blobVerified"/> when <paramref name="blob"/> already checks the
    /// compressed digest itself, as <see cref="Transports.IImageSource.OpenBlobAsync"/> streams
    /// do, so that it is not hashed twice; the size is still checked.
    /// </summary>
    public static LayerReader Open(Stream blob, ImageLayer layer, LayerLimits? limits = null,
        bool blobVerified = false)
    {
        try
        {
            return new LayerReader(layer, blob, limits ?? LayerLimits.Default, blobVerified);
        }
        catch
        {
            blob.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Returns the next entry, or null at the end of the layer once both digests have been
    /// verified. Whatever the previous entry's data stream did not read is skipped.
    /// </summary>
    public LayerEntry? Next()
    {
        while (!_finished)
        {
            var entry = ReadTarEntry();
            if (entry is null)
            {
                Finish();
                return null;
            }

            var checkedEntry = Check(entry);
            if (checkedEntry is not null)
            {
                return checkedEntry;
            }
        }

        return null;
    }

    /// <summary>Reads the whole layer, so that its digests are verified.</summary>
    public void ReadToEnd()
    {
        while (Next() is not null)
        {
        }
    }

    public void Dispose()
    {
        _tar.Dispose();
        _top.Dispose();
    }

    private TarEntry? ReadTarEntry()
    {
        try
        {
            return _tar.GetNextEntry(copyData: false);
        }
        catch (LayerException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ZstdException
            or ArgumentException or NotSupportedException)
        {
            throw DamagedBlobError() ?? Fail(LayerProblem.Malformed, _guard.CurrentEntryName,
                "Layer {0} is malformed: " + e.Message, e);
        }
    }

    private void Finish()
    {
        _finished = true;
        try
        {
            var buffer = new byte[81920];
            while (_top.Read(buffer) > 0)
            {
            }

            _compressed.Drain();
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException)
        {
            throw Fail(LayerProblem.Malformed, null, "Layer {0} has malformed data after its tar stream", e);
        }
    }

    private LayerEntry? Check(TarEntry entry)
    {
        if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
        {
            return null;
        }

        var name = entry.Name;
        if (name.Length > _limits.MaxPathLength || entry.LinkName.Length > _limits.MaxPathLength)
        {
            throw Fail(LayerProblem.OversizedHeader, name,
                $"Entry '{{1}}' of layer {{0}} has a name or link target longer than {_limits.MaxPathLength} bytes");
        }

        var path = EntryPaths.Normalize(name)
            ?? throw Fail(LayerProblem.PathEscape, name,
                "Entry '{1}' of layer {0} is absolute or climbs out of the root with '..'");
        var kind = KindOf(entry, name);
        var fileName = path[(path.LastIndexOf('/') + 1)..];
        if (fileName.StartsWith(".wh.", StringComparison.Ordinal))
        {
            return Whiteout(entry, name, path, fileName);
        }

        string? target = null;
        if (kind == LayerEntryKind.Symlink)
        {
            target = CheckSymlink(name, path, entry.LinkName);
        }
        else if (kind == LayerEntryKind.HardLink)
        {
            target = EntryPaths.Normalize(entry.LinkName);
            if (string.IsNullOrEmpty(target))
            {
                throw Fail(LayerProblem.LinkEscape, name,
                    $"Hard link '{{1}}' of layer {{0}} points to '{entry.LinkName}', outside the root");
            }
        }

        var posix = entry as PosixTarEntry;
        return new LayerEntry(name, path, kind, kind == LayerEntryKind.File ? entry.DataStream : null)
        {
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            ModificationTime = entry.ModificationTime,
            Size = kind == LayerEntryKind.File ? entry.Length : 0,
            LinkTarget = target,
            DeviceMajor = posix?.DeviceMajor ?? 0,
            DeviceMinor = posix?.DeviceMinor ?? 0,
        };
    }

    private string CheckSymlink(string name, string path, string target)
    {
        if (target.Length == 0)
        {
            throw Fail(LayerProblem.Malformed, name, "Symlink '{1}' of layer {0} has an empty target");
        }

        if (!EntryPaths.SymlinkStaysInside(path, target))
        {
            throw Fail(LayerProblem.LinkEscape, name,
                $"Symlink '{{1}}' of layer {{0}} points to '{target}', outside the root");
        }

        return target;
    }

    // Whiteouts as in the OCI image spec v1.1, layer.md "Whiteouts". Other ".wh..wh." names
    // are aufs bookkeeping (hard-link directories) that the spec says to ignore.
    private LayerEntry? Whiteout(TarEntry entry, string name, string path, string fileName)
    {
        var parent = EntryPaths.Parent(path);
        if (fileName == ".wh..wh..opq")
        {
            return new LayerEntry(name, parent, LayerEntryKind.OpaqueWhiteout, null)
            {
                ModificationTime = entry.ModificationTime,
            };
        }

        if (fileName.StartsWith(".wh..wh.", StringComparison.Ordinal))
        {
            return null;
        }

        var target = fileName[".wh.".Length..];
        if (target is "" or "." or "..")
        {
            throw Fail(LayerProblem.PathEscape, name, "Whiteout '{1}' of layer {0} names no file");
        }

        return new LayerEntry(name, EntryPaths.Join(parent, target), LayerEntryKind.Whiteout, null)
        {
            ModificationTime = entry.ModificationTime,
        };
    }

    private LayerEntryKind KindOf(TarEntry entry, string name) => entry.EntryType switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile
            => LayerEntryKind.File,
        TarEntryType.Directory => LayerEntryKind.Directory,
        TarEntryType.SymbolicLink => LayerEntryKind.Symlink,
        TarEntryType.HardLink => LayerEntryKind.HardLink,
        TarEntryType.CharacterDevice => LayerEntryKind.CharacterDevice,
        TarEntryType.BlockDevice => LayerEntryKind.BlockDevice,
        TarEntryType.Fifo => LayerEntryKind.Fifo,
        _ => throw Fail(LayerProblem.Malformed, name,
            $"Entry '{{1}}' of layer {{0}} has the unsupported tar type '{entry.EntryType}'"),
    };

    private static byte[] ReadMagic(Stream stream)
    {
        var magic = new byte[LayerCompressions.MagicLength];
        var filled = 0;
        while (filled < magic.Length)
        {
            var read = stream.Read(magic.AsSpan(filled));
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return magic[..filled];
    }

    private static Stream Decompress(Stream stream, LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => new GZipStream(stream, CompressionMode.Decompress),
        LayerCompression.Zstd => new DecompressionStream(stream),
        _ => stream,
    };

    private LayerException CompressedMismatch(Digest? actual, long size)
    {
        var found = actual is null ? $"{size} bytes" : $"{size} bytes with digest '{actual}'";
        return Fail(LayerProblem.DigestMismatch, null,
            $"Layer {{0}} does not match its descriptor: read {found}, expected {_layer.Descriptor.Size} bytes");
    }

    private LayerException UncompressedMismatch(Digest? actual, long size) =>
        Fail(LayerProblem.DigestMismatch, null,
            $"Layer {{0}} uncompresses to digest '{actual}', but the config lists diff_id "
            + $"'{_layer.DiffId}'");

    private Exception CorruptFrame(Exception error)
    {
        var entry = _guard?.CurrentEntryName;
        return DamagedBlobError() ?? Fail(LayerProblem.Malformed, entry,
            "Layer {0} has corrupt compressed data" + (entry is null ? "" : " in entry '{1}'")
            + ": " + error.Message, error);
    }

    // A blob whose bytes changed on disk or on the wire usually fails to decompress or parse
    // before its digest can be checked. Reading the rest of it first turns that into a digest
    // mismatch, which names the real cause and what to do, instead of a parse error.
    private Exception? DamagedBlobError()
    {
        try
        {
            _readAhead?.Stop();
            _compressed.Drain();
            return null;
        }
        catch (Exception mismatch) when (mismatch is LayerException or DigestMismatchException)
        {
            return mismatch;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void Bomb(string reason) =>
        throw Fail(LayerProblem.DecompressionBomb, _guard?.CurrentEntryName,
            $"Layer {{0}} is rejected as a decompression bomb: {reason}. If the layer is trusted, "
            + "raise the limit");

    // Message templates use {0} for the layer and image and {1} for the entry name.
    private LayerException Fail(LayerProblem problem, string? entry, string template, Exception? inner = null)
    {
        var layer = $"'{_layer.Descriptor.Digest}' of image '{_layer.ImageName}'";
        var message = string.Format(template, layer, entry).TrimEnd('.') + ".";
        return new LayerException(message, _layer.ImageName, _layer.Descriptor.Digest, entry, problem, inner);
    }
}
