using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Drydock.Images.Patch;

/// <summary>The owner, group and mode that <c>dpkg-statoverride</c> recorded for a path.</summary>
internal sealed record StatOverride(int Uid, int Gid, UnixFileMode Mode);

/// <summary>
/// The parts of the image's dpkg configuration that change where and how dpkg 1.21 unpacks a
/// file: the <c>path-exclude</c> and <c>path-include</c> filters of <c>/etc/dpkg/dpkg.cfg</c>
/// and <c>/etc/dpkg/dpkg.cfg.d/*</c>, <c>/var/lib/dpkg/statoverride</c> and
/// <c>/var/lib/dpkg/diversions</c>. Paths are absolute package paths such as <c>/usr/bin/x</c>.
/// </summary>
internal sealed class DpkgConfiguration
{
    private const string ConfigDirectory = "etc/dpkg/dpkg.cfg.d";

    private readonly List<(bool Include, string Pattern, Regex Glob)> _filters = [];
    private readonly Dictionary<string, StatOverride> _overrides = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string To, string Package)> _diversions = new(StringComparer.Ordinal);

    public DpkgConfiguration(ImageSnapshot image)
    {
        // dpkg(1) 1.21 reads dpkg.cfg, then the files of dpkg.cfg.d in C-locale order.
        ReadFilters(image, "etc/dpkg/dpkg.cfg");
        foreach (var file in image.Children(ConfigDirectory))
        {
            ReadFilters(image, file);
        }

        ReadStatOverrides(image);
        ReadDiversions(image);
    }

    public bool HasFilters => _filters.Count > 0;

    /// <summary>
    /// Returns whether dpkg skips a package path: the last filter whose glob matches decides.
    /// A skipped directory or symlink is kept when it starts with the literal part of an
    /// include glob (the text before its first wildcard), since something inside may be
    /// included (dpkg 1.21, src/main/filters.c).
    /// </summary>
    public bool IsExcluded(string path, bool directoryOrSymlink)
    {
        var skip = false;
        foreach (var (include, _, glob) in _filters)
        {
            if (glob.IsMatch(path))
            {
                skip = !include;
            }
        }

        if (skip && directoryOrSymlink)
        {
            skip = !_filters.Any(f => f.Include && path.StartsWith(LiteralPrefix(f.Pattern), StringComparison.Ordinal));
        }

        return skip;
    }

    private static string LiteralPrefix(string pattern)
    {
        var wildcard = pattern.IndexOfAny(['*', '?', '[', '\\']);
        return (wildcard < 0 ? pattern : pattern[..wildcard]).TrimEnd('/');
    }

    /// <summary>Returns the recorded owner, group and mode of a path, or null.</summary>
    public StatOverride? OverrideOf(string path) => _overrides.GetValueOrDefault(path);

    /// <summary>
    /// Returns where a package's file goes: the divert-to path when another package (or the
    /// local administrator) diverted it, else the path itself.
    /// </summary>
    public string Divert(string path, string package) =>
        _diversions.TryGetValue(path, out var diversion) && diversion.Package != package ? diversion.To : path;

    private void ReadFilters(ImageSnapshot image, string file)
    {
        if (image.ReadFile(file) is not { } content)
        {
            return;
        }

        // dpkg.cfg(5): one option per line, without the leading "--", value after '=' or blanks.
        foreach (var raw in Encoding.UTF8.GetString(content).Split('\n'))
        {
            var line = raw.Trim();
            var split = line.IndexOfAny(['=', ' ', '\t']);
            if (line.StartsWith('#') || split < 0)
            {
                continue;
            }

            var option = line[..split];
            var value = line[(split + 1)..].Trim();
            if (option is "path-exclude" or "path-include" && value.Length > 0)
            {
                _filters.Add((option == "path-include", value, GlobToRegex(value)));
            }
        }
    }

    // dpkg matches filters with fnmatch(3) and no flags, so '*' and '?' also match '/'.
    private static Regex GlobToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*':
                    pattern.Append(".*");
                    break;
                case '?':
                    pattern.Append('.');
                    break;
                case '\\' when i + 1 < glob.Length:
                    pattern.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                case '[' when glob.IndexOf(']', i + 2) is var end and > 0:
                    var set = glob[(i + 1)..end];
                    pattern.Append('[').Append(set.StartsWith('!') ? "^" + set[1..] : set).Append(']');
                    i = end;
                    break;
                default:
                    pattern.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    // dpkg-statoverride(1): "OWNER GROUP MODE PATH" per line; OWNER and GROUP are names or #ID.
    private void ReadStatOverrides(ImageSnapshot image)
    {
        const string file = "var/lib/dpkg/statoverride";
        if (image.ReadFile(file) is not { } content)
        {
            return;
        }

        var users = ReadIds(image, "etc/passwd");
        var groups = ReadIds(image, "etc/group");
        foreach (var line in Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4)
            {
                throw new InvalidDataException(
                    $"The line '{line}' of '/{file}' is not 'OWNER GROUP MODE PATH'. Fix or remove it in the image.");
            }

            _overrides[parts[3]] = new StatOverride(
                Id(parts[0], users, file), Id(parts[1], groups, file), Mode(parts[2], file));
        }
    }

    private static int Id(string name, Dictionary<string, int> ids, string file)
    {
        if (name.StartsWith('#') && int.TryParse(name[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        return ids.TryGetValue(name, out var known)
            ? known
            : throw new InvalidDataException(
                $"The owner or group '{name}' in '/{file}' is not in the image's /etc/passwd or /etc/group.");
    }

    private static UnixFileMode Mode(string text, string file)
    {
        try
        {
            return (UnixFileMode)Convert.ToInt32(text, 8);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"The mode '{text}' in '/{file}' is not an octal number.");
        }
    }

    private static Dictionary<string, int> ReadIds(ImageSnapshot image, string file)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var text = image.ReadFile(file) is { } content ? Encoding.UTF8.GetString(content) : "";
        foreach (var fields in text.Split('\n').Select(l => l.Split(':')).Where(f => f.Length > 2))
        {
            if (int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ids.TryAdd(fields[0], id);
            }
        }

        return ids;
    }

    // dpkg-divert(1) 1.21: three lines per diversion: the diverted path, the divert-to path,
    // and the package that may still write the original path (":" for a local diversion).
    private void ReadDiversions(ImageSnapshot image)
    {
        const string file = "var/lib/dpkg/diversions";
        if (image.ReadFile(file) is not { } content)
        {
            return;
        }

        var text = Encoding.UTF8.GetString(content).TrimEnd('\n');
        var lines = text.Length == 0 ? [] : text.Split('\n');
        if (lines.Length % 3 != 0)
        {
            throw new InvalidDataException(
                $"The file '/{file}' has {lines.Length} lines, which is not a multiple of three. Fix it in the image.");
        }

        for (var i = 0; i < lines.Length; i += 3)
        {
            _diversions[lines[i]] = (lines[i + 1], lines[i + 2]);
        }
    }
}
