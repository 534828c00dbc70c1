namespace Drydock.Packages.Distros;

/// <summary>Builds file lookups over an image root for <see cref="DistroDetector"/>.</summary>
public static class ImageFiles
{
    private const int MaxSymbolicLinks = 40;

    /// <summary>
    /// Returns a lookup that reads paths inside <paramref name="root"/> as if it were <c>/</c>:
    /// symbolic links are followed inside the root (an absolute target such as
    /// <c>/usr/lib/os-release</c> resolves under the root, and <c>..</c> stops at the root), so
    /// a hostile image cannot make detection read a file of the host.
    /// </summary>
    public static Func<string, string?> FromDirectory(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var fullRoot = Path.GetFullPath(root);
        return path => ReadInside(fullRoot, path);
    }

    private static string? ReadInside(string root, string path)
    {
        var resolved = Resolve(root, path);
        if (resolved is null || !File.Exists(resolved))
        {
            return null;
        }

        using var stream = new FileStream(resolved, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > OsRelease.MaxLength)
        {
            throw new InvalidDataException(
                $"The release file '{path}' is {stream.Length} bytes long, more than the {OsRelease.MaxLength} allowed.");
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Resolves a path component by component, keeping every step inside the root.</summary>
    private static string? Resolve(string root, string path)
    {
        var pending = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var parts = new List<string>();
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            var current = Path.Combine(root, Path.Combine([.. parts, part]));
            var info = new FileInfo(current);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxSymbolicLinks)
                {
                    return null;
                }

                if (target.StartsWith('/'))
                {
                    parts.Clear();
                }

                foreach (var next in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(next);
                }

                continue;
            }

            parts.Add(part);
        }

        return Path.Combine(root, Path.Combine([.. parts]));
    }
}
