using Drydock.Packages.Inventory;

namespace Drydock.Advisories;

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

    /// <summary>Makes the query for a package of an image's inventory.</summary>
    public static PackageQuery FromInstalled(InstalledPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.Rpm is { } rpm)
        {
            // Red Hat statements carry a full EVR, so a missing epoch is written as 0.
            var evr = $"{rpm.Epoch ?? 0}:{rpm.Version}-{rpm.Release}";
            return new PackageQuery(package.Name, evr, package.SourceName, null, package.Architecture, package.Type)
            {
                Module = ModuleStream(rpm.ModularityLabel),
            };
        }

        return new PackageQuery(
            package.Name, package.Version, package.SourceName, package.SourceVersion, package.Architecture, package.Type);
    }

    // A MODULARITYLABEL is NAME:STREAM:VERSION:CONTEXT; advisories name NAME:STREAM.
    private static string? ModuleStream(string? label)
    {
        var parts = label?.Split(':');
        return parts is { Length: >= 2 } && parts[0].Length > 0 ? $"{parts[0]}:{parts[1]}" : null;
    }
}
