using Drydock.Images.Updates;
using Drydock.Oci;
using Drydock.Oci.Model;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Resolver;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;
using Drydock.Packages.Versions;

namespace Drydock.Images.Patch;

/// <summary>What <see cref="ImagePatcher"/> upgrades, from where, and how strictly.</summary>
public sealed record PatchOptions : IUpgradeSourceOptions
{
    /// <summary>Upgrade only these installed packages (by name); null upgrades every upgradable one.</summary>
    public IReadOnlyCollection<string>? Packages { get; init; }

    /// <summary>Read the image's own sources.list and sources.list.d (on by default).</summary>
    public bool UseImageSources { get; init; } = true;

    /// <summary>More repositories, such as <c>--repo</c> values; their Signed-By paths are host paths.</summary>
    public IReadOnlyList<AptSource> ExtraSources { get; init; } = [];

    /// <summary>Host keyrings trusted for repositories without Signed-By.</summary>
    public IReadOnlyList<Keyring> ExtraKeyrings { get; init; } = [];

    /// <summary>
    /// Upgrade only the packages these vulnerabilities are in, from a scan or a report; null
    /// leaves the choice to <see cref="Packages"/>. Targets the upgrade does not reach are reported.
    /// </summary>
    public IReadOnlyList<PatchTarget>? Targets { get; init; }

    /// <summary>Reject the patch when a new package has maintainer scripts that would have run.</summary>
    public bool StrictScripts { get; init; }

    /// <summary>
    /// The time written into the new layer's database files, config and history; null takes the
    /// newest file time of the new packages, so the same inputs give the same digest.
    /// </summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The cache directory for .deb files; null takes the default of <see cref="Oci.Cache.CacheDirectory"/>.</summary>
    public string? CacheRoot { get; init; }

    /// <summary>Write the image to the destination unchanged when nothing needs an upgrade.</summary>
    public bool CopyWhenNothingToPatch { get; init; }

    /// <summary>The platform to patch in a multi-platform image; null means the host's.</summary>
    public Platform? Platform { get; init; }

    public AptOptions Apt { get; init; } = new();
}

/// <summary>One package the patch upgraded or newly installed, with the CVE ids its changelog names.</summary>
public sealed record PatchedPackage(
    string Name,
    string Architecture,
    DebianVersion? From,
    DebianVersion To,
    string? NeededBy,
    IReadOnlyList<string> Cves)
{
    public override string ToString() => From is null
        ? $"{Name} {To} (new, needed by {NeededBy})"
        : $"{Name} {From} → {To}";
}

/// <summary>What a patch did, or why it did nothing.</summary>
public sealed record PatchResult
{
    /// <summary>The digest of the image manifest that was patched.</summary>
    public required Digest BaseDigest { get; init; }

    /// <summary>The digest of the manifest written; null when nothing was written.</summary>
    public Digest? ManifestDigest { get; init; }

    public IReadOnlyList<PatchedPackage> Packages { get; init; } = [];

    /// <summary>Upgradable packages left at their version, with the dependency chain that blocked each.</summary>
    public IReadOnlyList<KeptBackPackage> KeptBack { get; init; } = [];

    /// <summary>Maintainer scripts of the new packages that were not run, as <c>PACKAGE.SCRIPT</c>.</summary>
    public IReadOnlyList<string> ScriptsNotRun { get; init; } = [];

    /// <summary>
    /// The commands whose work the patch did natively in place of the skipped scripts, such as
    /// <c>update-ca-certificates</c> and <c>ldconfig</c>.
    /// </summary>
    public IReadOnlyList<string> ScriptsReplaced { get; init; } = [];

    /// <summary>Conffiles the user had edited and the package changed: the new version sits beside as NAME.dpkg-dist.</summary>
    public IReadOnlyList<string> DpkgDistFiles { get; init; } = [];

    /// <summary>
    /// Directories of the image kept where a new package ships a symlink, as dpkg 1.21 keeps
    /// them, each as <c>/PATH -> TARGET (PACKAGE)</c>.
    /// </summary>
    public IReadOnlyList<string> KeptDirectories { get; init; } = [];

    /// <summary>The image's os-release ID, such as <c>debian</c>; null when it has no os-release.</summary>
    public string? Distribution { get; init; }

    /// <summary>Targets of <see cref="PatchOptions.Targets"/> that the upgrades do not fix.</summary>
    public IReadOnlyList<UnreachedTarget> Unreached { get; init; } = [];

    /// <summary>
    /// The vulnerabilities the upgrades fix: the targets reached, else the CVE ids the new
    /// packages' changelogs name, each with the package that fixes it, sorted.
    /// </summary>
    public IReadOnlyList<(string Vulnerability, string Package)> Fixed { get; init; } = [];

    /// <summary>
    /// For a multi-platform index, each platform's own result (with a null manifest digest when
    /// it needed nothing and was copied); empty for a single image.
    /// </summary>
    public IReadOnlyList<PlatformPatch> Platforms { get; init; } = [];

    /// <summary>Whether a previous Drydock patch layer was replaced rather than stacked upon.</summary>
    public bool ReplacedPreviousPatch { get; init; }

    public bool NothingToPatch => Packages.Count == 0;
}

/// <summary>What a patch of one platform of a multi-platform index did.</summary>
public sealed record PlatformPatch(Platform Platform, PatchResult Result);
