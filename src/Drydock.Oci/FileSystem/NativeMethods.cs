using System.Runtime.InteropServices;

namespace Drydock.Oci.FileSystem;

/// <summary>
/// The libc calls unpacking needs that .NET does not expose: hard links, device nodes,
/// ownership and timestamps of symlinks themselves, and rename over an empty directory.
/// </summary>
internal static partial class NativeMethods
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;

    public static bool IsRoot => GetEffectiveUserId() == 0;

    public static uint EffectiveUserId => GetEffectiveUserId();

    public static uint EffectiveGroupId => GetEffectiveGroupIdNative();

    /// <summary>
    /// The process's file-mode creation mask, from /proc/self/status (Linux 4.7 and later);
    /// where that line is missing, every permission bit counts as masked, so modes are always
    /// set explicitly.
    /// </summary>
    public static UnixFileMode Umask
    {
        get
        {
            try
            {
                foreach (var line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("Umask:", StringComparison.Ordinal))
                    {
                        return (UnixFileMode)Convert.ToInt32(line["Umask:".Length..].Trim(), 8);
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (FormatException)
            {
            }

            return (UnixFileMode)0b111_111_111;
        }
    }

    public static void Link(string target, string path) =>
        Check(LinkNative(target, path), "create a hard link", path);

    public static void Lchown(string path, int uid, int gid) =>
        Check(LchownNative(path, (uint)uid, (uint)gid), "change the owner of", path);

    public static void Rename(string from, string to) =>
        Check(RenameNative(from, to), "rename", from);

    /// <summary>Creates a device node or FIFO; <paramref name="type"/> is S_IFCHR, S_IFBLK or S_IFIFO.</summary>
    public static void MakeNode(string path, uint type, UnixFileMode mode, int major, int minor)
    {
        // The glibc encoding of dev_t (sys/sysmacros.h, gnu_dev_makedev).
        var major64 = (ulong)(uint)major;
        var minor64 = (ulong)(uint)minor;
        var device = ((major64 & 0xfffff000) << 32) | ((major64 & 0xfff) << 8)
            | ((minor64 & 0xffffff00) << 12) | (minor64 & 0xff);
        Check(MakeNodeNative(path, type | (uint)mode, device), "create the node", path);
    }

    /// <summary>Sets access and modification time without following a symlink.</summary>
    public static unsafe void SetTimes(string path, DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var spec = new TimeSpec
        {
            Seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest),
            Nanoseconds = rest * 100,
        };
        if (spec.Nanoseconds < 0)
        {
            spec.Seconds--;
            spec.Nanoseconds += 1_000_000_000;
        }

        var times = stackalloc TimeSpec[2] { spec, spec };
        Check(SetTimesNative(AtFdCwd, path, times, AtSymlinkNoFollow), "set the times of", path);
    }

    public const uint CharacterDevice = 0x2000;
    public const uint BlockDevice = 0x6000;
    public const uint Fifo = 0x1000;

    private static void Check(int result, string action, string path)
    {
        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(
                $"Failed to {action} '{path}': {Marshal.GetPInvokeErrorMessage(errno)}.", errno);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserIdNative();

    private static uint GetEffectiveUserId() => GetEffectiveUserIdNative();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupIdNative();

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkNative(string target, string path);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LchownNative(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string from, string to);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeNodeNative(string path, uint mode, ulong device);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true,
        StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int SetTimesNative(int directory, string path, TimeSpec* times, int flags);
}
