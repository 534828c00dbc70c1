namespace Drydock.Oci.Layers;

/// <summary>Normalises archive names into root-relative paths and checks link targets.</summary>
internal static class EntryPaths
{
    /// <summary>
    /// Turns an archive name such as <c>./usr/bin/</c> into <c>usr/bin</c>, or returns null when
    /// the name is absolute or has a <c>..</c> component, which could land outside the root.
    /// </summary>
    public static string? Normalize(string name)
    {
        if (name.StartsWith('/'))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                return null;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    /// <summary>
    /// Returns whether a relative symlink target, read from the symlink's own directory, stays
    /// inside the root at every step. Absolute targets always do, because they are resolved
    /// against the image root as chroot(2) would.
    /// </summary>
    public static bool SymlinkStaysInside(string linkPath, string target)
    {
        if (target.StartsWith('/'))
        {
            return true;
        }

        var depth = linkPath.Count(c => c == '/');
        foreach (var part in target.Split('/'))
        {
            if (part == "..")
            {
                depth--;
                if (depth < 0)
                {
                    return false;
                }
            }
            else if (part is not ("" or "."))
            {
                depth++;
            }
        }

        return true;
    }

    /// <summary>Returns the parent of a normalised path, empty for top-level entries.</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }

    /// <summary>Joins a normalised directory and a name.</summary>
    public static string Join(string directory, string name) =>
        directory.Length == 0 ? name : directory + "/" + name;

    /// <summary>Returns whether <paramref name="path"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public static bool IsSelfOrBelow(string path, string ancestor) =>
        ancestor.Length == 0
        || (path.StartsWith(ancestor, StringComparison.Ordinal)
            && (path.Length == ancestor.Length || path[ancestor.Length] == '/'));
}
