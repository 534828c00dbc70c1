using System.Formats.Tar;

namespace Drydock.Oci.Layout;

/// <summary>
/// Packs a directory into a tar file with sorted entries and fixed times, written beside the
/// target and renamed over it, so that the archive appears whole or not at all.
/// </summary>
internal static class ArchiveWriter
{
    public static async Task WriteAsync(string directory, string archive, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(archive);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + ".drydock-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write,
                FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    foreach (var entry in SortedEntries(directory))
                    {
                        await WriteEntryAsync(writer, directory, entry, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static IEnumerable<string> SortedEntries(string directory) =>
        Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(directory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    private static async Task WriteEntryAsync(TarWriter writer, string directory, string relative,
        CancellationToken cancellationToken)
    {
        var full = Path.Combine(directory, relative);
        var isDirectory = Directory.Exists(full);
        var entry = new PaxTarEntry(isDirectory ? TarEntryType.Directory : TarEntryType.RegularFile,
            isDirectory ? relative + "/" : relative)
        {
            Mode = isDirectory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
            ModificationTime = DateTimeOffset.UnixEpoch,
        };
        if (isDirectory)
        {
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        var content = File.OpenRead(full);
        await using (content.ConfigureAwait(false))
        {
            entry.DataStream = content;
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }
}
