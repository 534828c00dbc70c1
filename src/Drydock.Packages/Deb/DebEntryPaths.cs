namespace Drydock.Packages.Deb;

/// <summary>
/// Checks the paths of data.tar entries the way image layers are checked, so nothing in a
/// package can land outside the root it is unpacked into: no absolute names, no <c>..</c>, no
/// relative symbolic link climbing above the root, no hard link to a path not seen before,
/// and no entry beneath a symbolic link that the package itself created.
/// </summary>
/// <remarks>
/// Absolute symbolic link targets such as <c>/etc/alternatives/editor</c> are kept: they are
/// resolved inside the image at run time, and extraction writes them as links, never through them.
/// </remarks>
internal sealed class DebEntryPaths(string fileName)
{
    private readonly HashSet<string> _symbolicLinks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    /// <summary>Returns the entry's path relative to the root without a leading <c>./</c>, or "" for the root.</summary>
    public string CheckName(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw Escape(name, "contains a NUL character");
        }

        if (name.StartsWith('/'))
        {
            throw Escape(name, "is an absolute path");
        }

        // Layers reject every '..' in an entry name, even one that stays inside, and so do packages.
        if (name.Split('/').Contains(".."))
        {
            throw Escape(name, "contains a '..' segment");
        }

        var path = Normalize(name)!;

        for (var parent = ParentOf(path); parent is not null; parent = ParentOf(parent))
        {
            if (_symbolicLinks.Contains(parent))
            {
                throw Escape(name, $"lies beneath the symbolic link '{parent}' from the same package");
            }
        }

        return path;
    }

    /// <summary>Checks a symbolic link's target and remembers the link.</summary>
    public void AddSymbolicLink(string path, string name, string target)
    {
        if (target.Length == 0 || target.Contains('\0', StringComparison.Ordinal))
        {
            throw Escape(name, "is a symbolic link with an empty or invalid target");
        }

        if (!target.StartsWith('/'))
        {
            var resolved = Normalize(CombineWithParent(path, target));
            if (resolved is null)
            {
                throw Escape(name, $"is a symbolic link to '{target}', outside the root");
            }
        }

        _symbolicLinks.Add(path);
    }

    /// <summary>Checks a hard link's target, which must be a file earlier in the same archive.</summary>
    public string CheckHardLink(string name, string target)
    {
        var resolved = target.StartsWith('/') ? null : Normalize(target);
        if (resolved is null || !_files.Contains(resolved))
        {
            throw Escape(name, $"is a hard link to '{target}', which is not an earlier file of the package");
        }

        return resolved;
    }

    public void AddFile(string path) => _files.Add(path);

    private static string CombineWithParent(string path, string target) =>
        ParentOf(path) is { } parent ? parent + "/" + target : target;

    private static string? ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash > 0 ? path[..slash] : null;
    }

    /// <summary>Removes <c>.</c> and empty segments and applies <c>..</c>; null when it climbs above the root.</summary>
    private static string? Normalize(string name)
    {
        var segments = new List<string>();
        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    return null;
                }

                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    private IOException Escape(string name, string problem) =>
        new($"The package '{fileName}' has a data entry '{name}' that {problem}. The package is damaged or hostile.");
}
