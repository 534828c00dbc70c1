using System.Formats.Tar;
using System.IO.Compression;

namespace Drydock.Advisories.Import;

/// <summary>
/// Walks import inputs: JSON files, folders (recursively, in name order) and .tar, .tar.gz,
/// .tgz and .zip archives, all streamed without unpacking to disk. Entries that are not JSON
/// are skipped.
/// </summary>
internal static class FeedInputs
{
    /// <summary>
    /// The largest JSON entry read. The full Debian security tracker file, the largest feed
    /// file, is about 80 MB uncompressed (2025); a larger entry is taken as a decompression
    /// bomb.
    /// </summary>
    public const long MaxEntryBytes = 1L << 30;

    public static void ForEachEntry(string path, Action<string, Stream> handle, Action<string> skip)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                ForEachFileEntry(file, handle, skip);
            }
        }
        else if (File.Exists(path))
        {
            ForEachFileEntry(path, handle, skip);
        }
        else
        {
            throw new FileNotFoundException($"The feed input '{path}' does not exist. Pass a file, folder or archive.", path);
        }
    }

    private static void ForEachFileEntry(string file, Action<string, Stream> handle, Action<string> skip)
    {
        var name = Path.GetFileName(file);
        if (name.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
        {
            using var stream = File.OpenRead(file);
            using var gzip = new GZipStream(stream, CompressionMode.Decompress);
            ForEachTarEntry(file, gzip, handle, skip);
        }
        else if (name.EndsWith(".tar", StringComparison.OrdinalIgnoreCase))
        {
            using var stream = File.OpenRead(file);
            ForEachTarEntry(file, stream, handle, skip);
        }
        else if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ForEachZipEntry(file, handle, skip);
        }
        else if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            using var stream = File.OpenRead(file);
            handle(file, stream);
        }
        else
        {
            skip(file);
        }
    }

    private static void ForEachTarEntry(string archive, Stream stream, Action<string, Stream> handle, Action<string> skip)
    {
        using var reader = new TarReader(stream);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                var location = $"{archive}!{entry.Name}";
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || entry.DataStream is null)
                {
                    continue;
                }

                if (!entry.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                {
                    skip(location);
                    continue;
                }

                CheckSize(location, entry.Length);
                handle(location, entry.DataStream);
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new InvalidDataException(
                $"The archive '{archive}' is corrupt or truncated: {exception.Message} Download it again.", exception);
        }
    }

    private static void ForEachZipEntry(string archive, Action<string, Stream> handle, Action<string> skip)
    {
        try
        {
            using var zip = ZipFile.OpenRead(archive);
            foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var location = $"{archive}!{entry.FullName}";
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }

                if (!entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                {
                    skip(location);
                    continue;
                }

                CheckSize(location, entry.Length);
                using var stream = entry.Open();
                handle(location, stream);
            }
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException(
                $"The archive '{archive}' is corrupt or truncated: {exception.Message} Download it again.", exception);
        }
    }

    private static void CheckSize(string location, long length)
    {
        if (length > MaxEntryBytes)
        {
            throw new InvalidDataException(
                $"The feed entry '{location}' is {length} bytes, over the {MaxEntryBytes}-byte limit. "
                + "Check that the archive is a real feed export.");
        }
    }
}
