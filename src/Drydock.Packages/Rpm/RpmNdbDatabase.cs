using System.Buffers.Binary;

namespace Drydock.Packages.Rpm;

/// <summary>
/// Reads the header blobs of rpm's NDB backend (<c>Packages.db</c>, SUSE since SLE 15 SP3), in
/// the layout of rpm's <c>lib/backend/ndb/rpmpkg.c</c>: a 32-byte file header ("RpmP",
/// version 0), slot pages of 16-byte slots ("Slot", package number, block offset, block count),
/// then blobs in 16-byte blocks, each a 16-byte head ("BlbS", package number, timestamp,
/// length), the header and a 12-byte tail. All integers are little-endian.
/// </summary>
internal static class RpmNdbDatabase
{
    private const uint FileMagic = 'R' | ('p' << 8) | ('m' << 16) | ('P' << 24);
    private const uint SlotMagic = 'S' | ('l' << 8) | ('o' << 16) | ('t' << 24);
    private const uint BlobMagic = 'B' | ('l' << 8) | ('b' << 16) | ('S' << 24);
    private const int PageSize = 4096;
    private const int SlotSize = 16;
    private const int BlockSize = 16;
    private const int BlobHeadSize = 16;
    private const int BlobTailSize = 12;
    private const int MaxSlotPages = 1 << 16;

    /// <summary>Yields each package's number and header blob, by package number.</summary>
    /// <exception cref="InvalidDataException">The file is not an intact NDB package database.</exception>
    public static List<(int Record, byte[] Blob)> ReadBlobs(Stream stream, string path)
    {
        using var memory = stream.CanSeek ? null : new MemoryStream();
        if (memory is not null)
        {
            stream.CopyTo(memory);
            stream = memory;
        }

        var header = new byte[32];
        if (stream.Length < header.Length)
        {
            throw Corrupt(path, $"the file is {stream.Length} bytes, shorter than its header");
        }

        stream.Position = 0;
        stream.ReadExactly(header);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
        var slotPages = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        if (magic != FileMagic || version != 0)
        {
            throw Corrupt(path, $"magic '0x{magic:x8}' and version '{version}' are not those of NDB version 0");
        }

        if (slotPages is 0 or > MaxSlotPages || (long)slotPages * PageSize > stream.Length)
        {
            throw Corrupt(path, $"the header declares '{slotPages}' slot pages in a {stream.Length}-byte file");
        }

        var slots = new byte[slotPages * PageSize];
        stream.Position = 0;
        stream.ReadExactly(slots);
        var blobs = new List<(int, byte[])>();

        // The file header takes the space of the first two slots.
        for (var offset = 2 * SlotSize; offset < slots.Length; offset += SlotSize)
        {
            var slot = slots.AsSpan(offset, SlotSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(slot) != SlotMagic)
            {
                throw Corrupt(path, $"slot {offset / SlotSize} has no slot magic");
            }

            // A slot with no block offset is free, as rpm's rpmpkgReadSlots treats it.
            var blockOffset = BinaryPrimitives.ReadUInt32LittleEndian(slot[8..]);
            if (blockOffset == 0)
            {
                continue;
            }

            var package = BinaryPrimitives.ReadUInt32LittleEndian(slot[4..]);
            var blockCount = BinaryPrimitives.ReadUInt32LittleEndian(slot[12..]);
            if (package == 0 || blockOffset < slotPages * (PageSize / BlockSize))
            {
                throw Corrupt(
                    path, $"slot {offset / SlotSize} holds package '{package}' at block '{blockOffset}'");
            }

            var blob = ReadBlob(stream, path, package, blockOffset, blockCount);
            blobs.Add(((int)Math.Min(package, int.MaxValue), blob));
        }

        blobs.Sort((left, right) => left.Item1.CompareTo(right.Item1));
        return blobs;
    }

    private static byte[] ReadBlob(Stream stream, string path, uint package, uint blockOffset, uint blockCount)
    {
        var start = (long)blockOffset * BlockSize;
        var size = (long)blockCount * BlockSize;
        if (start < PageSize || size < BlobHeadSize + BlobTailSize || start + size > stream.Length)
        {
            throw Corrupt(path, $"package {package} points at blocks '{blockOffset}' + '{blockCount}' " +
                $"outside the {stream.Length}-byte file");
        }

        var head = new byte[BlobHeadSize];
        stream.Position = start;
        stream.ReadExactly(head);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(head);
        var owner = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4));
        var length = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(12));
        if (magic != BlobMagic || owner != package)
        {
            throw Corrupt(path, $"the blob of package {package} has magic '0x{magic:x8}' and owner '{owner}'");
        }

        if (length > RpmHeader.MaxBlobLength || BlobHeadSize + length + BlobTailSize > size)
        {
            throw Corrupt(path, $"the blob of package {package} claims '{length}' bytes in {size} bytes of blocks");
        }

        // NOTE: the Adler-32 checksum in the blob tail is not verified.
        var blob = new byte[length];
        stream.ReadExactly(blob);
        return blob;
    }

    private static InvalidDataException Corrupt(string path, string problem) =>
        new($"The rpm database '{path}' is not a valid NDB database: {problem}.");
}
