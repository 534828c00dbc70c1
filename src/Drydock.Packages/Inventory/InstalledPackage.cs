using Drydock.Packages.Versions;

namespace Drydock.Packages.Inventory;

/// <summary>
/// One package that a package database lists as installed, in the terms shared by dpkg, apk
/// and rpm. Fields that only one format has live in <see cref="Dpkg"/>, <see cref="Apk"/> or
/// <see cref="Rpm"/>.
/// </summary>
public sealed record InstalledPackage
{
    public required PackageType Type { get; init; }

    public required string Name { get; init; }

    /// <summary>
    /// The version as the database writes it: dpkg's <c>Version:</c>, apk's <c>V:</c>, and for
    /// rpm <c>[EPOCH:]VERSION-RELEASE</c> as rpm's <c>%{EVR}</c> query tag prints it.
    /// </summary>
    public required string Version { get; init; }

    /// <summary>The architecture, or null when the database gives none (rpm's gpg-pubkey).</summary>
    public string? Architecture { get; init; }

    /// <summary>
    /// The source package: dpkg's <c>Source:</c> name (the binary name when absent), apk's origin
    /// (<c>o:</c>), or the name part of rpm's SOURCERPM.
    /// </summary>
    public required string SourceName { get; init; }

    /// <summary>
    /// The source version: the version in dpkg's <c>Source: NAME (VERSION)</c> (the binary
    /// version when absent), the apk package version, or the version part of rpm's SOURCERPM
    /// (without its release, which is in <see cref="RpmPackageDetails.SourceRelease"/>).
    /// </summary>
    public required string SourceVersion { get; init; }

    /// <summary>dpkg's <c>Maintainer:</c>, apk's <c>m:</c> or rpm's VENDOR.</summary>
    public string? Maintainer { get; init; }

    /// <summary>The license expression, where the database records one (apk and rpm).</summary>
    public string? License { get; init; }

    /// <summary>The installed size in bytes, or null when the database does not record it.</summary>
    public long? InstalledSize { get; init; }

    /// <summary>Absolute path inside the root of the database file that lists the package.</summary>
    public required string Database { get; init; }

    /// <summary>
    /// Absolute paths of the files the package owns, or null unless
    /// <see cref="PackageInventoryOptions.IncludeFiles"/> was set.
    /// </summary>
    public IReadOnlyList<string>? Files { get; init; }

    public DpkgPackageDetails? Dpkg { get; init; }

    public ApkPackageDetails? Apk { get; init; }

    public RpmPackageDetails? Rpm { get; init; }

    public override string ToString() =>
        Architecture is null ? $"{Name} {Version}" : $"{Name}:{Architecture} {Version}";
}

/// <summary>Fields that only dpkg records, and the versions parsed by dpkg's rules.</summary>
/// <param name="Status">The <c>Status:</c> field, or null for a distroless status.d stanza.</param>
/// <param name="MultiArch">The <c>Multi-Arch:</c> field (<c>same</c>, <c>foreign</c>, ...).</param>
public sealed record DpkgPackageDetails(string? Status, string? MultiArch)
{
    /// <summary>The binary version; <see cref="InstalledPackage.Version"/> keeps its text.</summary>
    public required DebianVersion ParsedVersion { get; init; }

    /// <summary>The source version, from <c>Source: NAME (VERSION)</c> or the binary version.</summary>
    public required DebianVersion ParsedSourceVersion { get; init; }
}

/// <summary>Fields that only apk records, and the version parsed by apk's rules.</summary>
/// <param name="Checksum">The <c>C:</c> field, the package's control checksum.</param>
/// <param name="Commit">The <c>c:</c> field, the aports commit that built the package.</param>
/// <param name="BuildTime">The <c>t:</c> field, seconds since the Unix epoch.</param>
public sealed record ApkPackageDetails(string? Checksum, string? Commit, long? BuildTime)
{
    /// <summary>The package version, which is also the origin's version in apk.</summary>
    public required ApkVersion ParsedVersion { get; init; }
}

/// <summary>
/// Fields that only rpm records. The source RPM carries no epoch, so <see cref="Epoch"/> is the
/// binary's, kept beside the source name, version and release rather than copied onto them.
/// </summary>
public sealed record RpmPackageDetails
{
    /// <summary>The EPOCH tag, or null when the header has none (rpm then compares it as 0).</summary>
    public int? Epoch { get; init; }

    /// <summary>The binary's epoch, version and release, compared by rpm's rules.</summary>
    public required RpmVersion ParsedVersion { get; init; }

    public required string Version { get; init; }

    public required string Release { get; init; }

    /// <summary>The SOURCERPM tag as written, such as <c>util-linux-2.32.1-42.el8_8.src.rpm</c>.</summary>
    public string? SourceRpm { get; init; }

    /// <summary>The release part of <see cref="SourceRpm"/>.</summary>
    public string? SourceRelease { get; init; }

    public string? Vendor { get; init; }

    /// <summary>The MODULARITYLABEL tag (<c>NAME:STREAM:VERSION:CONTEXT</c>) of a module package.</summary>
    public string? ModularityLabel { get; init; }

    public string? Summary { get; init; }

    /// <summary>The SIGMD5 tag in lower-case hex: the digest of the header and payload.</summary>
    public string? SigMd5 { get; init; }
}
