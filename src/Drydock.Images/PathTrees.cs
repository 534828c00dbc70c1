namespace Drydock.Images;

/// <summary>Operations on a tree of paths kept as a dictionary keyed by relative path.</summary>
internal static class PathTrees
{
    /// <summary>
    /// Removes the entries below <paramref name="path"/> that <paramref name="removable"/> accepts,
    /// and the entry at <paramref name="path"/> itself when <paramref name="includeSelf"/> is set.
    /// </summary>
    public static void RemoveTree<T>(this Dictionary<string, T> nodes, string path, bool includeSelf,
        Func<string, bool> removable)
    {
        if (includeSelf)
        {
            nodes.Remove(path);
        }

        var prefix = path.Length == 0 ? "" : path + "/";
        foreach (var key in nodes.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            if (removable(key) && key != path)
            {
                nodes.Remove(key);
            }
        }
    }
}
