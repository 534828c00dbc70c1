using System.Formats.Tar;
using System.Security.Cryptography;

namespace Drydock.Testing.Images;

/// <summary>
/// Computes the layer that turns one root file system tarball into another, as a container
/// build records a <c>RUN</c> step: entries that are new or changed (type, mode, owner, link
/// target or content; times are ignored), their parent directories, and a <c>.wh.</c> whiteout
/// for each path that disappeared.
/// </summary>
public static class TarDiff
{
    private sealed record Signature(TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, string Link, string Hash);

    public static void Write(string lowerTar, string upperTar, string outputTar)
    {
        var lower = ReadSignatures(lowerTar);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var directories = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal) { string.Empty };

        using var output = File.Create(outputTar);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        using (var input = File.OpenRead(upperTar))
        using (var reader = new TarReader(input))
        {
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                var path = Normalize(entry.Name);
                seen.Add(path);
                if (entry.EntryType == TarEntryType.Directory)
                {
                    directories[path] = entry;
                }

                var signature = Sign(entry);
                entry.DataStream?.Seek(0, SeekOrigin.Begin);
                if (path.Length == 0 || lower.GetValueOrDefault(path) == signature)
                {
                    continue;
                }

                WriteParents(writer, path, directories, written);
                writer.WriteEntry(entry);
                written.Add(path);
            }
        }

        foreach (var path in lower.Keys.Where(path => !seen.Contains(path)).Order(StringComparer.Ordinal))
        {
            var parent = Parent(path);
            if (parent.Length > 0 && !seen.Contains(parent))
            {
                continue;
            }

            var name = (parent.Length == 0 ? "" : parent + "/") + ".wh." + path[(path.LastIndexOf('/') + 1)..];
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name));
        }
    }

    private static void WriteParents(TarWriter writer, string path, Dictionary<string, TarEntry> directories,
        HashSet<string> written)
    {
        var parent = Parent(path);
        if (written.Contains(parent))
        {
            return;
        }

        WriteParents(writer, parent, directories, written);
        if (directories.TryGetValue(parent, out var directory))
        {
            writer.WriteEntry(directory);
        }

        written.Add(parent);
    }

    private static Dictionary<string, Signature> ReadSignatures(string tar)
    {
        var signatures = new Dictionary<string, Signature>(StringComparer.Ordinal);
        using var input = File.OpenRead(tar);
        using var reader = new TarReader(input);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            signatures[Normalize(entry.Name)] = Sign(entry);
        }

        return signatures;
    }

    private static Signature Sign(TarEntry entry)
    {
        var hash = entry.DataStream is { } data ? Convert.ToHexStringLower(SHA256.HashData(data)) : string.Empty;
        return new Signature(entry.EntryType, entry.Mode, entry.Uid, entry.Gid, entry.LinkName, hash);
    }

    private static string Normalize(string name) => name.TrimStart('.').Trim('/');

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }
}
