using System.Text.Json;

namespace Drydock.Advisories.Import;

internal enum FeedKind
{
    Unknown,
    Osv,
    DebianTracker,
    AlpineSecdb,
    UbuntuTracker,
    RedHatCsaf,
}

/// <summary>Recognises a feed's format from a JSON document's shape and names its source.</summary>
internal static class FeedDetector
{
    public static FeedKind Detect(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return FeedKind.Unknown;
        }

        if (root.TryGetProperty("document", out var document) && document.ValueKind == JsonValueKind.Object
            && document.TryGetProperty("csaf_version", out _))
        {
            return FeedKind.RedHatCsaf;
        }

        if (root.TryGetProperty("distroversion", out _) && root.TryGetProperty("packages", out _))
        {
            return FeedKind.AlpineSecdb;
        }

        if (root.TryGetProperty("candidate", out _) && root.TryGetProperty("packages", out _))
        {
            return FeedKind.UbuntuTracker;
        }

        if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            && (root.TryGetProperty("affected", out _) || root.TryGetProperty("modified", out _)))
        {
            return FeedKind.Osv;
        }

        return LooksLikeDebianTracker(root) ? FeedKind.DebianTracker : FeedKind.Unknown;
    }

    public static string KindName(FeedKind kind) => kind switch
    {
        FeedKind.Osv => "osv",
        FeedKind.DebianTracker => "debian-security-tracker",
        FeedKind.AlpineSecdb => "alpine-secdb",
        FeedKind.UbuntuTracker => "ubuntu-cve-tracker",
        FeedKind.RedHatCsaf => "csaf",
        _ => "unknown",
    };

    public static string SourceName(FeedKind kind, JsonElement root, InputState input)
    {
        switch (kind)
        {
            case FeedKind.Osv:
                input.OsvFamily ??= OsvParser.GuessFamily(root);
                return $"{FamilyName(input.OsvFamily.Value)}-osv";
            case FeedKind.DebianTracker:
                return "debian-tracker";
            case FeedKind.AlpineSecdb:
                return "alpine-secdb";
            case FeedKind.UbuntuTracker:
                return "ubuntu-tracker";
            case FeedKind.RedHatCsaf:
                return "redhat-csaf";
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>Reads a distribution from an input's file or folder name, such as debian-osv-20250212.tar.gz.</summary>
    public static DistributionFamily? FamilyHint(string path)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))).ToLowerInvariant();
        if (name.Contains("debian", StringComparison.Ordinal))
        {
            return DistributionFamily.Debian;
        }

        if (name.Contains("alpine", StringComparison.Ordinal))
        {
            return DistributionFamily.Alpine;
        }

        return name.Contains("ubuntu", StringComparison.Ordinal) ? DistributionFamily.Ubuntu : null;
    }

    public static string FamilyName(DistributionFamily family) => family switch
    {
        DistributionFamily.Debian => "debian",
        DistributionFamily.Ubuntu => "ubuntu",
        DistributionFamily.Alpine => "alpine",
        DistributionFamily.RedHat => "redhat",
        _ => "other",
    };

    // The tracker's JSON maps source package names to objects keyed by CVE-*, TEMP-* or
    // similar ids, each holding a "releases" object.
    private static bool LooksLikeDebianTracker(JsonElement root)
    {
        foreach (var package in root.EnumerateObject())
        {
            if (package.Value.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var issue in package.Value.EnumerateObject())
            {
                return issue.Value.ValueKind == JsonValueKind.Object
                    && issue.Value.TryGetProperty("releases", out _);
            }
        }

        return false;
    }
}
