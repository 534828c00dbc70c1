using System.Text;
using System.Text.RegularExpressions;

namespace Drydock.Images.Build;

/// <summary>
/// Decides which package files go into the image. Paths are relative to the root, without a
/// leading slash, as the package lists them (before the merged-/usr mapping).
/// </summary>
internal sealed class PathFilter
{
    // Documentation, manual and info pages, translations and lintian overrides: nothing a
    // program reads at run time. Locales other than C live in usr/share/locale and
    // usr/lib/locale; C.utf8 is kept because glibc falls back to it.
    private static readonly string[] _defaultDrop =
    [
        "usr/share/doc/**", "usr/share/man/**", "usr/share/info/**", "usr/share/locale/**",
        "usr/share/lintian/**", "usr/share/doc-base/**", "usr/share/bug/**", "usr/lib/locale/**",
    ];

    private static readonly string[] _defaultKeep = ["usr/lib/locale/C.utf8/**"];

    // Licences must ship: every copyright file stays, and so does a usr/share/doc/PKG link
    // that dh_installdocs --link-doc made to another package's directory holding it.
    private static readonly Regex _copyright = new("^usr/share/doc/[^/]+(/copyright)?$", RegexOptions.CultureInvariant);

    private readonly Regex[] _drop;
    private readonly Regex[] _keep;

    public PathFilter(SpecPaths paths)
    {
        _drop = [.. (paths.DropDefaults ? _defaultDrop : []).Concat(paths.Drop).Select(Compile)];
        _keep = [.. (paths.DropDefaults ? _defaultKeep : []).Concat(paths.Keep).Select(Compile)];
    }

    /// <summary>Whether an entry is laid into the image; <paramref name="isSymlink"/> keeps doc-directory links.</summary>
    public bool Includes(string path, bool isSymlink)
    {
        if (path.StartsWith("usr/share/doc/", StringComparison.Ordinal) && _copyright.Match(path) is { Success: true } match
            && (match.Groups[1].Success || isSymlink))
        {
            return true;
        }

        return !_drop.Any(r => r.IsMatch(path)) || _keep.Any(r => r.IsMatch(path));
    }

    /// <summary>Turns a glob into a regular expression: <c>**</c> any depth, <c>*</c> and <c>?</c> within a segment.</summary>
    internal static Regex Compile(string glob)
    {
        var pattern = new StringBuilder("^");
        var text = glob.Trim('/');
        for (var i = 0; i < text.Length; i++)
        {
            if (text.AsSpan(i).StartsWith("/**"))
            {
                pattern.Append("(/.*)?");
                i += 2;
            }
            else if (text.AsSpan(i).StartsWith("**/"))
            {
                pattern.Append("(.*/)?");
                i += 2;
            }
            else if (text.AsSpan(i).StartsWith("**"))
            {
                pattern.Append(".*");
                i += 1;
            }
            else
            {
                pattern.Append(text[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    var c => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
