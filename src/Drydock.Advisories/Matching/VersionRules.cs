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
    }

    private sealed class ApkRules : VersionRules
    {
        public static readonly ApkRules Instance = new();

        public override string Name => "apk";

        public override bool IsValid(string version) => ApkVersion.TryParse(version, out _);

        public override int Compare(string left, string right) => ApkVersionComparer.Compare(left, right);
    }

    private sealed class RpmRules : VersionRules
    {
        public static readonly RpmRules Instance = new();

        public override string Name => "RPM";

        public override bool IsValid(string version) => RpmVersion.TryParse(version, out _);

        public override int Compare(string left, string right) =>
            RpmVersion.Parse(left).CompareTo(RpmVersion.Parse(right));
    }
}
