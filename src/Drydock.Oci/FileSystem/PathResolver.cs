namespace Drydock.Oci.FileSystem;

/// <summary>
/// Resolves paths inside an image root the way chroot(2) confines them: component by component,
/// following symlinks through a lookup, with <c>..</c> clamped at the root and absolute targets
/// taken from the root. Nothing outside the root is ever named.
/// </summary>
internal static class PathResolver
{
    /// <summary>Symlinks followed in one resolution before giving up (Linux's MAXSYMLINKS is 40).</summary>
    public const int MaxSymlinks = 40;

    /// <summary>
    /// Returns the root-relative path that <paramref name="path"/> names, with every symlink
    /// in it replaced by its target. <paramref name="readLink"/> returns a symlink's target, or
    /// null for anything else. The last component is followed only when
    /// <paramref name="followFinal"/> is set.
    /// </summary>
    public static string Resolve(string path, Func<string, string?> readLink, bool followFinal = true)
    {
        var resolved = new List<string>();
        var pending = new Stack<string>(Split(path).Reverse());
        var followed = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            resolved.Add(part);
            var isFinal = pending.Count == 0;
            var target = isFinal && !followFinal ? null : readLink(string.Join('/', resolved));
            if (target is null)
            {
                continue;
            }

            if (++followed > MaxSymlinks)
            {
                throw new IOException(
                    $"Path '{path}' passes through more than {MaxSymlinks} symlinks; the image has a symlink loop.");
            }

            resolved.RemoveAt(resolved.Count - 1);
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var next in Split(target).Reverse())
            {
                pending.Push(next);
            }
        }

        return string.Join('/', resolved);
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split('/').Where(part => part is not ("" or "."));
}
