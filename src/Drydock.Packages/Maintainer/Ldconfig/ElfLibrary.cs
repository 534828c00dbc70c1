using System.Buffers.Binary;
using System.Text;

namespace Drydock.Packages.Maintainer.Ldconfig;

/// <summary>
/// What ldconfig reads from a shared library (glibc 2.36, elf/readlib.c and readelflib.c): the
/// cache flags for its class and machine and its DT_SONAME, if any.
/// </summary>
internal sealed record ElfLibrary(int Flags, string? Soname, ushort Machine)
{
    public const int FlagElfLibc6 = 0x0003;
    public const int FlagX8664Lib64 = 0x0300;
    public const int FlagX8664Libx32 = 0x0800;
    public const int FlagAarch64Lib64 = 0x0a00;

    public const ushort MachineI386 = 3;
    public const ushort MachineX8664 = 62;
    public const ushort MachineAarch64 = 183;

    private const int ElfClass32 = 1;
    private const int ElfClass64 = 2;
    private const int TypeDyn = 3;
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const long DtStrtab = 5;
    private const long DtSoname = 14;

    /// <summary>
    /// Reads a library as ldconfig does. Returns null with a reason for a file ldconfig skips;
    /// the reason is null where ldconfig skips it silently (linker scripts, executables).
    /// </summary>
    public static ElfLibrary? Read(byte[] content, ushort hostMachine, out string? reason)
    {
        reason = null;
        // sizeof (struct exec) is 32 and sizeof (Elf64_Ehdr) 64 on 64-bit hosts.
        if (content.Length < 64)
        {
            reason = content.Length == 0 ? "The file is empty." : null;
            return null;
        }

        if (!content.AsSpan(0, 4).SequenceEqual("\u007fELF"u8))
        {
            var head = Encoding.Latin1.GetString(content, 0, Math.Min(content.Length, 512));
            var script = head.Contains("GROUP", StringComparison.Ordinal)
                || head.Contains("GNU ld script", StringComparison.Ordinal);
            reason = script ? null : "The file is not an ELF file: it has the wrong magic bytes at the start.";
            return null;
        }

        if (content[5] != 1)
        {
            reason = "The file is not a little-endian ELF file, which this reader does not handle.";
            return null;
        }

        var elfClass = content[4];
        if (BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(16)) != TypeDyn)
        {
            return null;
        }

        var machine = BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(18));
        if (MachineFlags(elfClass, machine, hostMachine) is not { } flags)
        {
            reason = $"The file is for ELF machine '{machine}' (class '{elfClass}'), "
                + "which the ldconfig of this root does not cache.";
            return null;
        }

        try
        {
            return ReadDynamic(content, elfClass == ElfClass64, flags, machine, out reason);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            reason = "The file is truncated: a header points past its end.";
            return null;
        }
    }

    // sysdeps/unix/sysv/linux/x86_64/readelflib.c and .../aarch64/readelflib.c: the machines the
    // host's ldconfig accepts and the flags it gives each class.
    private static int? MachineFlags(int elfClass, ushort machine, ushort hostMachine) =>
        (hostMachine, machine, elfClass) switch
        {
            (MachineX8664, MachineX8664, ElfClass64) => FlagElfLibc6 | FlagX8664Lib64,
            (MachineX8664, MachineX8664, ElfClass32) => FlagElfLibc6 | FlagX8664Libx32,
            (MachineX8664, MachineI386, ElfClass32) => FlagElfLibc6,
            (MachineAarch64, MachineAarch64, ElfClass64) => FlagElfLibc6 | FlagAarch64Lib64,
            _ => null,
        };

    private static ElfLibrary? ReadDynamic(
        byte[] content, bool is64, int flags, ushort machine, out string? reason)
    {
        reason = null;
        var span = content.AsSpan();
        var phoff = is64
            ? (long)BinaryPrimitives.ReadUInt64LittleEndian(span[32..])
            : BinaryPrimitives.ReadUInt32LittleEndian(span[28..]);
        var phentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[(is64 ? 54 : 42)..]);
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(span[(is64 ? 56 : 44)..]);
        var segments = new List<(uint Type, long Offset, long Vaddr, long Filesz)>();
        for (var i = 0; i < phnum; i++)
        {
            var header = span.Slice(checked((int)(phoff + (i * phentsize))), is64 ? 56 : 32);
            segments.Add(is64 ? Segment64(header) : Segment32(header));
        }

        // The last PT_DYNAMIC wins, as in readelflib.c; a library without one is skipped.
        var dynamic = segments.LastOrDefault(s => s.Type == PtDynamic);
        if (dynamic.Filesz == 0)
        {
            return null;
        }

        var entrySize = is64 ? 16 : 8;
        long? strtab = null;
        long? soname = null;
        for (var offset = dynamic.Offset; ; offset += entrySize)
        {
            var entry = span.Slice(checked((int)offset), entrySize);
            var tag = is64
                ? (long)BinaryPrimitives.ReadUInt64LittleEndian(entry)
                : BinaryPrimitives.ReadInt32LittleEndian(entry);
            var value = is64
                ? (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[8..])
                : BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
            if (tag == 0)
            {
                break;
            }

            if (tag == DtStrtab && strtab is null)
            {
                strtab = value;
            }
            else if (tag == DtSoname && soname is null)
            {
                soname = value;
            }
        }

        if (strtab is null)
        {
            return null;
        }

        // The string table's file offset comes from the PT_LOAD segment that maps its address.
        var load = segments.FirstOrDefault(
            s => s.Type == PtLoad && strtab >= s.Vaddr && strtab - s.Vaddr < s.Filesz);
        var strings = strtab.Value - (load.Type == PtLoad ? load.Vaddr - load.Offset : 0);
        if (soname is null)
        {
            return new ElfLibrary(flags, null, machine);
        }

        var start = checked((int)(strings + soname.Value));
        var end = content.AsSpan(start).IndexOf((byte)0);
        if (end < 0)
        {
            reason = "The file is truncated: its DT_SONAME string has no end.";
            return null;
        }

        return new ElfLibrary(flags, Encoding.UTF8.GetString(content, start, end), machine);
    }

    // Elf64_Phdr: p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, ...
    private static (uint, long, long, long) Segment64(ReadOnlySpan<byte> header) => (
        BinaryPrimitives.ReadUInt32LittleEndian(header),
        (long)BinaryPrimitives.ReadUInt64LittleEndian(header[8..]),
        (long)BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
        (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]));

    // Elf32_Phdr: p_type, p_offset, p_vaddr, p_paddr, p_filesz, ...
    private static (uint, long, long, long) Segment32(ReadOnlySpan<byte> header) => (
        BinaryPrimitives.ReadUInt32LittleEndian(header),
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(header[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(header[16..]));
}
