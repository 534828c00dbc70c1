using System.Text.RegularExpressions;

namespace Drydock.Packages.Distros;

/// <summary>
/// Turns release-file values into a <see cref="Distro"/>: the release that advisories use,
/// the codename, the advisory namespace, the package format and the end of support.
/// </summary>
internal static partial class DistroRules
{
    private static readonly Dictionary<string, string> _debianCodenames = new(StringComparer.Ordinal)
    {
        ["6"] = "squeeze",
        ["7"] = "wheezy",
        ["8"] = "jessie",
        ["9"] = "stretch",
        ["10"] = "buster",
        ["11"] = "bullseye",
        ["12"] = "bookworm",
        ["13"] = "trixie",
        ["14"] = "forky",
        ["15"] = "duke",
    };

    private static readonly Dictionary<string, string> _ubuntuCodenames = new(StringComparer.Ordinal)
    {
        ["14.04"] = "trusty",
        ["16.04"] = "xenial",
        ["18.04"] = "bionic",
        ["20.04"] = "focal",
        ["22.04"] = "jammy",
        ["24.04"] = "noble",
        ["24.10"] = "oracular",
        ["25.04"] = "plucky",
        ["25.10"] = "questing",
    };

    // The vendor part of the namespace where it differs from the os-release ID.
    private static readonly Dictionary<string, string> _namespaceVendors = new(StringComparer.Ordinal)
    {
        ["rhel"] = "redhat",
        ["almalinux"] = "alma",
        ["ol"] = "oracle",
        ["amzn"] = "amazon",
        ["centos-stream"] = "centos",
        ["sles_sap"] = "sles",
        ["sled"] = "sles",
        ["opensuse"] = "opensuse-leap",
    };

    private static readonly HashSet<string> _rpmIds = new(StringComparer.Ordinal)
    {
        "rhel", "centos", "centos-stream", "rocky", "almalinux", "ol", "fedora", "amzn", "sles", "sles_sap",
        "sled", "opensuse", "opensuse-leap", "opensuse-tumbleweed", "azurelinux", "mariner", "photon",
    };

    public static Distro FromOsRelease(OsRelease osRelease, ReleaseFiles files)
    {
        var id = osRelease["ID"]!.ToLowerInvariant();
        if (id == "centos" && osRelease["NAME"]?.Contains("Stream", StringComparison.Ordinal) == true)
        {
            id = "centos-stream";
        }

        var distro = Build(
            id,
            osRelease["VERSION_ID"],
            osRelease["VERSION_CODENAME"] ?? osRelease["UBUNTU_CODENAME"],
            osRelease["PRETTY_NAME"] ?? osRelease["NAME"],
            files,
            osRelease["VERSION"]);
        if (distro.PackageFormat == PackageFormat.Unknown)
        {
            distro = distro with { PackageFormat = FormatFromIdLike(osRelease["ID_LIKE"]) };
        }

        return distro;
    }

    public static Distro Build(
        string id, string? versionId, string? codename, string? prettyName, ReleaseFiles files, string? version = null)
    {
        var (release, fullVersion, name) = id switch
        {
            "debian" => DebianRelease(versionId, ref codename, prettyName, files),
            "ubuntu" => (versionId ?? "unknown", LeadingVersion(version) ?? versionId, codename),
            "alpine" => AlpineRelease(versionId ?? files.Read("/etc/alpine-release")?.Trim(), prettyName),
            "wolfi" or "chainguard" or "opensuse-tumbleweed" => ("rolling", versionId, codename),
            "rhel" or "centos" or "centos-stream" or "rocky" or "almalinux" or "ol" =>
                (Major(versionId), versionId, codename),
            "amzn" => (versionId is { Length: 7 } v && v.StartsWith("201", StringComparison.Ordinal)
                ? "1" : versionId ?? "unknown", versionId, codename),
            _ => (versionId ?? "unknown", versionId, codename),
        };
        if (id == "ubuntu" && name is null)
        {
            name = _ubuntuCodenames.GetValueOrDefault(release);
        }

        var tableId = id switch
        {
            "sles_sap" or "sled" => "sles",
            "opensuse" => "opensuse-leap",
            _ => id,
        };
        var endOfLife = EndOfLifeTable.Find(tableId, release, out var olderThanKnown);
        var vendor = _namespaceVendors.GetValueOrDefault(id, id);
        return new Distro
        {
            Id = id,
            Release = release,
            Version = fullVersion,
            Codename = name,
            PrettyName = prettyName,
            Namespace = $"{vendor}:{release}",
            PackageFormat = FormatOf(id),
            EndOfLife = endOfLife,
            OlderThanKnownReleases = olderThanKnown,
            Sources = files.Sources.ToArray(),
            Warnings = files.Warnings.ToArray(),
        };
    }

    /// <summary>
    /// Debian: a numbered release from VERSION_ID or /etc/debian_version; otherwise testing or
    /// unstable, whose /etc/debian_version reads like <c>trixie/sid</c> and whose os-release has
    /// no VERSION_ID. The two share base-files, so the image's APT sources tell them apart.
    /// </summary>
    private static (string Release, string? Version, string? Codename) DebianRelease(
        string? versionId, ref string? codename, string? prettyName, ReleaseFiles files)
    {
        var debianVersion = files.Read("/etc/debian_version")?.Trim();
        var numbered = DebianNumber().Match(debianVersion ?? "");
        var release = versionId is not null && versionId.All(char.IsAsciiDigit) ? versionId
            : numbered.Success ? numbered.Groups[1].Value : null;
        if (release is not null)
        {
            var version = debianVersion is not null && numbered.Success && numbered.Groups[1].Value == release
                ? debianVersion : release;
            return (release, version, codename ?? _debianCodenames.GetValueOrDefault(release));
        }

        var testingCodename = codename ?? SidPrefix(debianVersion) ?? SidPrefix(prettyName?.Split(' ').LastOrDefault());
        if (testingCodename is null)
        {
            // Neither a number nor a development codename: the release files are damaged.
            return ("unknown", debianVersion, null);
        }

        return AptSourcesNameUnstable(files)
            ? ("unstable", debianVersion, "sid")
            : ("testing", debianVersion, testingCodename);
    }

    private static (string Release, string? Version, string? Codename) AlpineRelease(string? versionId, string? prettyName)
    {
        if (versionId is null)
        {
            return ("unknown", null, null);
        }

        // Edge images carry a snapshot version such as 3.17_alpha20220715 and a PRETTY_NAME ending in "edge".
        if (versionId.Contains('_', StringComparison.Ordinal)
            || prettyName?.Contains("edge", StringComparison.OrdinalIgnoreCase) == true)
        {
            return ("edge", versionId, null);
        }

        var parts = versionId.Split('.');
        return (parts.Length >= 2 ? $"{parts[0]}.{parts[1]}" : versionId, versionId, null);
    }

    private static bool AptSourcesNameUnstable(ReleaseFiles files)
    {
        foreach (var path in (string[])["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"])
        {
            foreach (var line in (files.Read(path) ?? "").Split('\n'))
            {
                if (!line.TrimStart().StartsWith('#') && UnstableSuite().IsMatch(line))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? SidPrefix(string? text)
    {
        var slash = text?.IndexOf("/sid", StringComparison.Ordinal) ?? -1;
        return slash > 0 ? text![..slash] : null;
    }

    private static string Major(string? versionId)
    {
        if (versionId is null)
        {
            return "unknown";
        }

        var dot = versionId.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? versionId[..dot] : versionId;
    }

    private static string? LeadingVersion(string? version)
    {
        var match = version is null ? null : Regex.Match(version, @"^\d+(\.\d+)+");
        return match is { Success: true } ? match.Value : null;
    }

    private static PackageFormat FormatOf(string id) => id switch
    {
        "debian" or "ubuntu" => PackageFormat.Deb,
        "alpine" or "wolfi" or "chainguard" => PackageFormat.Apk,
        _ when _rpmIds.Contains(id) => PackageFormat.Rpm,
        _ => PackageFormat.Unknown,
    };

    private static PackageFormat FormatFromIdLike(string? idLike)
    {
        foreach (var like in (idLike ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var format = like switch
            {
                "debian" or "ubuntu" => PackageFormat.Deb,
                "alpine" => PackageFormat.Apk,
                "rhel" or "fedora" or "centos" or "suse" or "opensuse" => PackageFormat.Rpm,
                _ => PackageFormat.Unknown,
            };
            if (format != PackageFormat.Unknown)
            {
                return format;
            }
        }

        return PackageFormat.Unknown;
    }

    [GeneratedRegex(@"^(\d+)(?:\.|$)")]
    private static partial Regex DebianNumber();

    [GeneratedRegex(@"(?:^|\s)(?:sid|unstable)(?:\s|$)")]
    private static partial Regex UnstableSuite();
}
