using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace Drydock.Testing.Images;

/// <summary>
/// A comparable description of a directory tree: per path its kind, permission bits, symlink
/// target or content hash, and file modification time. Used to compare Drydock's unpack with
/// umoci's.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class TreeSnapshot
{
    public static SortedDictionary<string, string> Take(string root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
        };
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", options))
        {
            snapshot[Path.GetRelativePath(root, path)] = Describe(path);
        }

        return snapshot;
    }

    private static string Describe(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            return "symlink -> " + target;
        }

        var mode = Convert.ToString((int)File.GetUnixFileMode(path), 8);
        if (Directory.Exists(path))
        {
            return $"dir {mode}";
        }

        using var stream = File.OpenRead(path);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return $"file {mode} {hash} {info.LastWriteTimeUtc:O}";
    }
}
