using Drydock.Images.Inventory;
using Drydock.Oci;

namespace Drydock.Reports.Sbom;

/// <summary>Everything an SBOM of one image states: the image, its distribution and its packages.</summary>
public sealed record SbomDocument
{
    public required SbomImage Image { get; init; }

    /// <summary>The detected distribution, or null when the image has no release file.</summary>
    public SbomDistro? Distro { get; init; }

    public required ImageInventoryResult Inventory { get; init; }

    /// <summary>The version of Drydock that wrote the document.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>When the document was made; set it from SOURCE_DATE_EPOCH for reproducible output.</summary>
    public required DateTimeOffset Timestamp { get; init; }
}

/// <summary>The image an SBOM describes.</summary>
/// <param name="Name">The image as the user named it.</param>
/// <param name="ManifestDigest">The digest of its manifest, when read from a source.</param>
/// <param name="ConfigDigest">The digest of its config, when read from a source.</param>
/// <param name="Platform">The platform as <c>os/architecture[/variant]</c>, when known.</param>
public sealed record SbomImage(string Name, Digest? ManifestDigest, Digest? ConfigDigest, string? Platform);

/// <summary>The distribution of an image, as detected from its release files.</summary>
/// <param name="Id">os-release <c>ID</c>, such as <c>debian</c>, <c>alpine</c> or <c>rhel</c>.</param>
/// <param name="VersionId">
/// The full version the image states (<c>12.15</c>, <c>3.18.4</c>), or the release name
/// (<c>testing</c>) where it has none; null when unknown.
/// </param>
/// <param name="Codename">The release codename, such as <c>bookworm</c>, when there is one.</param>
/// <param name="Name">A name for people, such as os-release's <c>PRETTY_NAME</c>.</param>
public sealed record SbomDistro(string Id, string? VersionId, string? Codename, string? Name)
{
    /// <summary>
    /// The purl <c>distro</c> qualifier: <c>ID-VERSION</c> (<c>debian-12.15</c>,
    /// <c>alpine-3.18.4</c>), or <c>ID-CODENAME</c> when there is no version.
    /// </summary>
    public string Qualifier => VersionId is not null ? $"{Id}-{VersionId}"
        : Codename is not null ? $"{Id}-{Codename}"
        : Id;
}
