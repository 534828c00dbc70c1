using System.Formats.Tar;
using System.Runtime.InteropServices;

namespace Drydock.Packages.Deb;

/// <summary>
/// Unpacks the data part of a .deb into a new directory, as <c>dpkg-deb -x</c> does, but
/// all or nothing: entries go to a temporary sibling directory that is renamed into place only
/// when every entry was written.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static partial class DebExtractor
{
    /// <summary>Extracts <paramref name="debPath"/> into <paramref name="destination"/>, which must not exist.</summary>
    /// <exception cref="IOException">The destination exists, or an entry would land outside it.</exception>
    /// <exception cref="InvalidDataException">The package is malformed.</exception>
    public static DebPackage Extract(string debPath, string destination, XzDecoder xzDecoder = XzDecoder.Automatic)
    {
        var target = Path.GetFullPath(destination);
        if (Directory.Exists(target) || File.Exists(target))
        {
            throw new IOException($"The destination '{target}' already exists. Choose a new directory.");
        }

        var temporary = $"{target}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(temporary);
        try
        {
            using var reader = DebArchiveReader.Open(debPath, xzDecoder);
            var directories = new List<(string Path, UnixFileMode Mode, DateTimeOffset Time)>();
            foreach (var entry in reader.ReadDataEntries())
            {
                WriteEntry(reader.FileName, temporary, entry, directories);
            }

            // Directory modes and times last, so read-only directories still receive their files.
            for (var i = directories.Count - 1; i >= 0; i--)
            {
                var (path, mode, time) = directories[i];
                File.SetUnixFileMode(path, mode);
                Directory.SetLastWriteTimeUtc(path, time.UtcDateTime);
            }

            Directory.Move(temporary, target);
            return reader.Package;
        }
        catch
        {
            Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    private static void WriteEntry(
        string fileName, string root, DebDataEntry entry, List<(string, UnixFileMode, DateTimeOffset)> directories)
    {
        var fullPath = entry.Path.Length == 0 ? root : Path.Combine(root, entry.Path);
        if (entry.IsDirectory)
        {
            Directory.CreateDirectory(fullPath);
            directories.Add((fullPath, entry.Mode, entry.ModificationTime));
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        RemoveExisting(fullPath);
        switch (entry.Type)
        {
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                WriteFile(fullPath, entry);
                break;
            case TarEntryType.SymbolicLink:
                File.CreateSymbolicLink(fullPath, entry.LinkTarget!);
                break;
            case TarEntryType.HardLink:
                if (link(Path.Combine(root, entry.LinkTarget!), fullPath) != 0)
                {
                    throw new IOException(
                        $"Failed to create the hard link '{entry.Path}' from '{fileName}' (errno {Marshal.GetLastPInvokeError()}).");
                }

                break;
            default:
                throw new IOException(
                    $"The package '{fileName}' has the entry '{entry.Path}' of type {entry.Type}, which is not extracted.");
        }
    }

    private static void WriteFile(string fullPath, DebDataEntry entry)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = entry.Mode,
            PreallocationSize = entry.Length,
        };
        using (var output = new FileStream(fullPath, options))
        {
            entry.Content?.CopyTo(output);
        }

        File.SetLastWriteTimeUtc(fullPath, entry.ModificationTime.UtcDateTime);
    }

    // A later entry replaces an earlier one with the same name, as in dpkg; deleting first means
    // a symbolic link is never written through.
    private static void RemoveExisting(string fullPath)
    {
        var info = new FileInfo(fullPath);
        if (info.Exists || info.LinkTarget is not null)
        {
            info.Delete();
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string existingPath, string newPath);
}
