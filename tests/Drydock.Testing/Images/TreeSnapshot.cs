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
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var special = SpecialFiles(root);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(pending.Pop()))
            {
                snapshot[Path.GetRelativePath(root, path)] = special.Contains(path)
                    ? "special " + Convert.ToString((int)File.GetUnixFileMode(path), 8)
                    : Describe(path);

                // Recurse into real directories only: a symlink's target is resolved against the
                // host, and an image's /var/run -> /run would otherwise walk the host's tree.
                if (new FileInfo(path).LinkTarget is null && Directory.Exists(path))
                {
                    pending.Push(path);
                }
            }
        }

        return snapshot;
    }

    // Device nodes, FIFOs and sockets must not be opened: reading /dev/full or /dev/zero never
    // ends, and opening a FIFO blocks. .NET has no public lstat, so find(1) lists them.
    private static HashSet<string> SpecialFiles(string root)
    {
        var start = new System.Diagnostics.ProcessStartInfo("find")
        {
            RedirectStandardOutput = true,
            ArgumentList =
            {
                root, "(", "-type", "c", "-o", "-type", "b", "-o", "-type", "p", "-o", "-type", "s", ")",
                "-print0",
            },
        };
        using var find = System.Diagnostics.Process.Start(start)!;
        var output = find.StandardOutput.ReadToEnd();
        find.WaitForExit();
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Lists the first paths whose description differs or that only one tree has. Comparing
    /// thousands of entries through Assert.Equal on the dictionaries is far slower.
    /// </summary>
    public static IReadOnlyList<string> Differences(
        IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual, int max = 20)
    {
        var differences = new List<string>();
        foreach (var (path, description) in expected)
        {
            if (!actual.TryGetValue(path, out var other))
            {
                differences.Add($"{path}: missing (expected {description})");
            }
            else if (!string.Equals(description, other, StringComparison.Ordinal))
            {
                differences.Add($"{path}: {other} (expected {description})");
            }
        }

        differences.AddRange(actual.Keys
            .Where(path => !expected.ContainsKey(path))
            .Select(path => $"{path}: unexpected"));
        return differences.Take(max).ToList();
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
