using System.Text;
using System.Text.RegularExpressions;

namespace Drydock.Packages.Maintainer.Ldconfig;

/// <summary>
/// The library directories ldconfig reads (glibc 2.36, elf/ldconfig.c parse_conf): the lines of
/// /etc/ld.so.conf and of the files its <c>include</c> lines name, in order, with comments from
/// '#' and trailing blanks and slashes removed.
/// </summary>
internal static class LdSoConf
{
    public const string Path = "/etc/ld.so.conf";

    // Nesting stops here, as a loop of includes would otherwise never end.
    private const int MaxDepth = 16;

    /// <summary>Returns the configured directories in file order, duplicates included.</summary>
    public static List<string> ReadDirectories(IRootTree root, List<MaintainerDiagnostic> diagnostics)
    {
        var directories = new List<string>();
        Parse(root, Path, directories, diagnostics, depth: 0);
        return directories;
    }

    private static void Parse(
        IRootTree root, string file, List<string> directories, List<MaintainerDiagnostic> diagnostics, int depth)
    {
        using var stream = root.OpenRead(file);
        if (stream is null || depth > MaxDepth)
        {
            return;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lineNumber = 0;
        while (reader.ReadLine() is { } raw)
        {
            lineNumber++;
            var hash = raw.IndexOf('#');
            var line = (hash < 0 ? raw : raw[..hash]).TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("include", StringComparison.Ordinal) && line.Length > 7 && line[7] is ' ' or '\t')
            {
                foreach (var pattern in line[8..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                {
                    var absolute = pattern.StartsWith('/') ? pattern : file[..(file.LastIndexOf('/') + 1)] + pattern;
                    foreach (var included in Glob(root, absolute))
                    {
                        Parse(root, included, directories, diagnostics, depth + 1);
                    }
                }
            }
            else if (line.StartsWith("hwcap", StringComparison.OrdinalIgnoreCase) && line.Length > 5
                && line[5] is ' ' or '\t')
            {
                diagnostics.Add(new MaintainerDiagnostic(
                    file, $"Line '{lineNumber}': the hwcap directive is ignored."));
            }
            else
            {
                var directory = line.TrimEnd(' ', '\t', '\n', '\v', '\f', '\r').TrimEnd('/');
                if (directory.Length > 0)
                {
                    directories.Add(directory);
                }
            }
        }
    }

    /// <summary>glob(3) without flags: wildcards do not match a leading dot, and results sort in C order.</summary>
    public static List<string> Glob(IRootTree root, string pattern)
    {
        var matches = new List<string> { "" };
        foreach (var part in pattern.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.IndexOfAny(['*', '?', '[']) < 0)
            {
                matches = [.. matches.Select(m => m + "/" + part).Where(m => root.ResolvePath(m) is not null)];
                continue;
            }

            var regex = new Regex("^" + ToRegex(part) + "$", RegexOptions.CultureInvariant);
            matches = [.. matches.SelectMany(m => root.List(m.Length == 0 ? "/" : m)
                .Select(child => child[(child.LastIndexOf('/') + 1)..])
                .Where(name => !name.StartsWith('.') && regex.IsMatch(name))
                .Select(name => m + "/" + name))];
        }

        matches.Sort(Utf8Ordinal.Instance);
        return matches;
    }

    private static string ToRegex(string part)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            var close = c == '[' ? part.IndexOf(']', i + 2) : -1;
            if (c == '*')
            {
                regex.Append(".*");
            }
            else if (c == '?')
            {
                regex.Append('.');
            }
            else if (close > 0)
            {
                var set = part[(i + 1)..close];
                regex.Append('[').Append(set[0] == '!' ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                i = close;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.ToString();
    }
}
