namespace Drydock.Advisories;

/// <summary>The package formats whose advisories Drydock matches.</summary>
public enum PackageType
{
    Deb,
    Apk,
    Rpm,
}

/// <summary>
/// One installed package as the matcher needs it. Debian and Ubuntu advisories are keyed by
/// source package and source version, Alpine advisories by origin, Red Hat advisories by
/// binary RPM name and EVR.
/// </summary>
/// <param name="Name">The binary package name (<c>bsdutils</c>, <c>libcrypto3</c>, <c>openssl-libs</c>).</param>
/// <param name="Version">
/// The installed version: dpkg <c>[epoch:]upstream[-revision]</c>, apk <c>1.2.3-r0</c>, or
/// RPM <c>[epoch:]version-release</c>.
/// </param>
/// <param name="SourceName">
/// The source package (dpkg <c>Source:</c>, apk origin <c>o:</c>, the SOURCERPM's name); null
/// when it equals <paramref name="Name"/>.
/// </param>
/// <param name="SourceVersion">
/// The source version when it differs from the binary's (dpkg <c>Source: util-linux (2.38.1-5)</c>);
/// null when it equals <paramref name="Version"/>.
/// </param>
/// <param name="Architecture">The package architecture, kept for reporting.</param>
/// <param name="Type">The package format.</param>
public sealed record PackageQuery(
    string Name,
    string Version,
    string? SourceName,
    string? SourceVersion,
    string? Architecture,
    PackageType Type)
{
    /// <summary>
    /// An RPM's module stream as <c>NAME:STREAM</c> (the first two fields of its
    /// MODULARITYLABEL), or null for a package outside any module.
    /// </summary>
    public string? Module { get; init; }
}
