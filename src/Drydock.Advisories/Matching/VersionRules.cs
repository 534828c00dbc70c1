using Drydock.Packages.Versions;

namespace Drydock.Advisories.Matching;

/// <summary>
/// The version rules of one distribution family: which strings are versions and how two
/// versions order. Feeds are validated with them on import and packages compared on match.
/// </summary>
internal abstract class VersionRules
{
    public abstract string Name { get; }

    public abstract bool IsValid(string version);

    /// <summary>Compares two versions that <see cref="IsValid"/> accepts.</summary>
    public abstract int Compare(string left, string right);

    /// <summary>Parses a version that <see cref="IsValid"/> accepts into a comparable value.</summary>
    public abstract IComparable Parse(string version);

    public static VersionRules For(DistributionFamily family) => family switch
    {
        DistributionFamily.Debian or DistributionFamily.Ubuntu => DebianRules.Instance,
        DistributionFamily.Alpine => ApkRules.Instance,
        DistributionFamily.RedHat => RpmRules.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "No version rules for this family."),
    };

    private sealed class DebianRules : VersionRules
    {
        public static readonly DebianRules Instance = new();

        public override string Name => "Debian";

        public override bool IsValid(string version) => DebianVersion.TryParse(version, out _);

        public override int Compare(string left, string right) => DebianVersion.Compare(left, right);

        public override IComparable Parse(string version) => DebianVersion.Parse(version);
    }

    private sealed class ApkRules : VersionRules
    {
        public static readonly ApkRules Instance = new();

        public override string Name => "apk";

        public override bool IsValid(string version) => ApkVersion.TryParse(version, out _);

        public override int Compare(string left, string right) => ApkVersionComparer.Compare(left, right);

        public override IComparable Parse(string version) => ApkVersion.Parse(version);
    }

    private sealed class RpmRules : VersionRules
    {
        public static readonly RpmRules Instance = new();

        public override string Name => "RPM";

        public override bool IsValid(string version) => RpmVersion.TryParse(version, out _);

        public override int Compare(string left, string right) =>
            RpmVersion.Parse(left).CompareTo(RpmVersion.Parse(right));

        public override IComparable Parse(string version) => RpmVersion.Parse(version);
    }
}

/// <summary>
/// Compares versions of one match, parsing each distinct version string once: a match reads
/// the same fixed versions for many binaries of one source.
/// </summary>
internal sealed class CachedVersionComparer(VersionRules rules)
{
    private readonly Dictionary<string, IComparable> _parsed = new(StringComparer.Ordinal);

    public int Compare(string left, string right) => Get(left).CompareTo(Get(right));

    private IComparable Get(string version)
    {
        if (!_parsed.TryGetValue(version, out var parsed))
        {
            parsed = rules.Parse(version);
            _parsed[version] = parsed;
        }

        return parsed;
    }
}
