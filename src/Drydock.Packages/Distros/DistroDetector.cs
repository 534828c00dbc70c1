using System.Text.RegularExpressions;

namespace Drydock.Packages.Distros;

/// <summary>
/// Detects the distribution of an image from its release files, read through a lookup that
/// maps an absolute path inside the image (<c>/etc/os-release</c>) to the file's text, or null
/// when the file is absent. The lookup works the same on a flattened image view and on a
/// directory (see <see cref="ImageFiles.FromDirectory"/>).
/// </summary>
public static partial class DistroDetector
{
    private static readonly string[] _osReleasePaths = ["/etc/os-release", "/usr/lib/os-release"];

    private static readonly string[] _rpmReleasePaths =
    [
        "/etc/redhat-release", "/etc/centos-release", "/etc/rocky-release", "/etc/almalinux-release",
        "/etc/oracle-release", "/etc/fedora-release", "/etc/system-release",
    ];

    /// <summary>Returns the detected distribution, or null when the image has no release file at all.</summary>
    /// <exception cref="InvalidDataException">A release file is too long or not text.</exception>
    public static Distro? Detect(Func<string, string?> readFile)
    {
        ArgumentNullException.ThrowIfNull(readFile);
        var reader = new ReleaseFiles(readFile);
        foreach (var path in _osReleasePaths)
        {
            if (reader.Read(path) is { } text)
            {
                var osRelease = OsRelease.Parse(text, path);
                reader.Warnings.AddRange(osRelease.Errors);
                if (osRelease["ID"] is not null)
                {
                    return DistroRules.FromOsRelease(osRelease, reader);
                }
            }
        }

        return DetectFromLegacyFiles(reader);
    }

    private static Distro? DetectFromLegacyFiles(ReleaseFiles reader)
    {
        if (reader.Read("/etc/alpine-release") is { } alpine)
        {
            return DistroRules.Build("alpine", FirstLine(alpine), null, null, reader);
        }

        if (reader.Read("/etc/lsb-release") is { } lsb && OsRelease.Parse(lsb, "/etc/lsb-release") is var fields
            && fields["DISTRIB_ID"] is { } lsbId && fields["DISTRIB_RELEASE"] is { } lsbRelease)
        {
            return DistroRules.Build(
                lsbId.ToLowerInvariant(), lsbRelease, fields["DISTRIB_CODENAME"], fields["DISTRIB_DESCRIPTION"], reader);
        }

        if (reader.Read("/etc/debian_version") is not null)
        {
            return DistroRules.Build("debian", null, null, null, reader);
        }

        foreach (var path in _rpmReleasePaths)
        {
            if (reader.Read(path) is { } text && ParseRpmReleaseLine(FirstLine(text)) is { } parsed)
            {
                return DistroRules.Build(parsed.Id, parsed.Version, parsed.Codename, FirstLine(text), reader);
            }
        }

        return reader.Read("/etc/SuSE-release") is { } suse ? ParseSuseRelease(suse, reader) : null;
    }

    /// <summary>Parses "Rocky Linux release 8.8 (Green Obsidian)" and the other *-release lines.</summary>
    internal static (string Id, string Version, string? Codename)? ParseRpmReleaseLine(string line)
    {
        var match = RpmReleaseLine().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var name = match.Groups["name"].Value;
        string? id = name switch
        {
            _ when name.StartsWith("Red Hat Enterprise Linux", StringComparison.Ordinal) => "rhel",
            _ when name.StartsWith("CentOS Stream", StringComparison.Ordinal) => "centos-stream",
            _ when name.StartsWith("CentOS", StringComparison.Ordinal) => "centos",
            _ when name.StartsWith("Rocky", StringComparison.Ordinal) => "rocky",
            _ when name.StartsWith("AlmaLinux", StringComparison.Ordinal) => "almalinux",
            _ when name.StartsWith("Oracle Linux", StringComparison.Ordinal) => "ol",
            _ when name.StartsWith("Fedora", StringComparison.Ordinal) => "fedora",
            _ when name.StartsWith("Amazon Linux", StringComparison.Ordinal) => "amzn",
            _ => null,
        };
        var codename = match.Groups["codename"].Success ? match.Groups["codename"].Value : null;
        return id is null ? null : (id, match.Groups["version"].Value, codename);
    }

    private static Distro? ParseSuseRelease(string text, ReleaseFiles reader)
    {
        var lines = text.Split('\n');
        var version = Regex.Match(text, @"^VERSION\s*=\s*(\d+)", RegexOptions.Multiline);
        if (!version.Success)
        {
            return null;
        }

        var patch = Regex.Match(text, @"^PATCHLEVEL\s*=\s*(\d+)", RegexOptions.Multiline);
        var release = patch.Success ? $"{version.Groups[1].Value}.{patch.Groups[1].Value}" : version.Groups[1].Value;
        var id = lines[0].StartsWith("openSUSE", StringComparison.Ordinal) ? "opensuse-leap" : "sles";
        return DistroRules.Build(id, release, null, lines[0].Trim(), reader);
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return (newline >= 0 ? text[..newline] : text).Trim();
    }

    [GeneratedRegex(@"^(?<name>.+?)\s+release\s+(?<version>[0-9][0-9.]*)(?:\s*\((?<codename>[^)]*)\))?")]
    private static partial Regex RpmReleaseLine();
}

/// <summary>Reads release files through the lookup, remembering which ones were found.</summary>
internal sealed class ReleaseFiles(Func<string, string?> readFile)
{
    private readonly Dictionary<string, string?> _cache = new(StringComparer.Ordinal);

    public List<string> Sources { get; } = [];

    public List<string> Warnings { get; } = [];

    public string? Read(string path)
    {
        if (_cache.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var text = readFile(path);
        if (text is not null && text.Length > OsRelease.MaxLength)
        {
            throw new InvalidDataException(
                $"The release file '{path}' is {text.Length} characters long, more than the {OsRelease.MaxLength} allowed.");
        }

        _cache[path] = text;
        if (text is not null)
        {
            Sources.Add(path);
        }

        return text;
    }
}
