namespace Drydock.Images.Patch;

/// <summary>
/// Resolves paths inside an image root as chroot(2) confines them: component by component,
/// following the image's own symlinks, with <c>..</c> clamped at the root and absolute targets
/// taken from the root. Paths are root-relative, without a leading '/'.
/// </summary>
internal static class RootPaths
{
    /// <summary>Symlinks followed in one resolution before giving up (Linux's MAXSYMLINKS is 40).</summary>
    private const int MaxSymlinks = 40;

    public static string Resolve(string path, Func<string, string?> readLink, bool followFinal)
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
            var target = pending.Count == 0 && !followFinal ? null : readLink(string.Join('/', resolved));
            if (target is null)
            {
                continue;
            }

            if (++followed > MaxSymlinks)
            {
                throw new IOException(
                    $"The path '{path}' passes through more than {MaxSymlinks} symlinks in the image, "
                    + "so the image has a symlink loop.");
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

    /// <summary>Normalises a package path such as <c>./usr/bin/x</c> or <c>/usr/bin/x</c> to <c>usr/bin/x</c>.</summary>
    public static string Normalise(string path) => string.Join('/', Split(path));

    private static IEnumerable<string> Split(string path) =>
        path.Split('/').Where(part => part is not ("" or "."));
}
