using System.Text;
using Drydock.Images.Inventory;
using Drydock.Packages.Inventory;

namespace Drydock.Reports.Sbom;

/// <summary>
/// Builds package URLs for OS packages as the purl specification gives them for the
/// <c>deb</c>, <c>apk</c> and <c>rpm</c> types (package-url/purl-spec, PURL-TYPES.rst, 2024):
/// the namespace is the distribution (<c>debian</c>, <c>ubuntu</c>, <c>alpine</c>,
/// <c>fedora</c>...), qualifiers are sorted by key and every value is percent-encoded.
/// </summary>
internal static class PackageUrls
{
    public static string Build(InstalledPackage package, SbomDistro? distro)
    {
        var qualifiers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (package.Architecture is { } architecture)
        {
            qualifiers["arch"] = architecture;
        }

        if (distro is not null)
        {
            qualifiers["distro"] = distro.Qualifier;
        }

        var version = package.Version;
        switch (package.Type)
        {
            case PackageType.Deb when package.SourceName != package.Name || package.SourceVersion != package.Version:
                // The source is named alone when only its name differs, NAME@VERSION otherwise.
                qualifiers["upstream"] = package.SourceVersion == package.Version
                    ? package.SourceName
                    : package.SourceName + "@" + package.SourceVersion;
                break;
            case PackageType.Rpm when package.Rpm is { } rpm:
                // rpm purls carry the epoch as a qualifier and VERSION-RELEASE as the version.
                version = rpm.Version + "-" + rpm.Release;
                if (rpm.Epoch is { } epoch)
                {
                    qualifiers["epoch"] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                break;
        }

        var text = new StringBuilder("pkg:")
            .Append(TypeName(package.Type)).Append('/')
            .Append(Encode(Namespace(package.Type, distro))).Append('/')
            .Append(Encode(package.Name)).Append('@').Append(Encode(version));
        var separator = '?';
        foreach (var (key, value) in qualifiers)
        {
            text.Append(separator).Append(key).Append('=').Append(Encode(value));
            separator = '&';
        }

        return text.ToString();
    }

    /// <summary>
    /// Builds the purl of every package and a reference unique in the document: the purl, with
    /// a counter after a '#' when two databases list the same package.
    /// </summary>
    public static IReadOnlyList<(string Purl, string Reference)> BuildAll(
        IReadOnlyList<ImagePackage> packages, SbomDistro? distro)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<(string, string)>(packages.Count);
        foreach (var package in packages)
        {
            var purl = Build(package.Package, distro);
            var count = seen.GetValueOrDefault(purl);
            seen[purl] = count + 1;
            result.Add((purl, count == 0 ? purl : $"{purl}#{count + 1}"));
        }

        return result;
    }

    public static string TypeName(PackageType type) => type switch
    {
        PackageType.Deb => "deb",
        PackageType.Apk => "apk",
        _ => "rpm",
    };

    private static string Namespace(PackageType type, SbomDistro? distro)
    {
        // purl's rpm examples name Red Hat's packages "redhat", after the vendor, not "rhel".
        if (distro is { Id: "rhel" })
        {
            return "redhat";
        }

        return distro?.Id ?? type switch
        {
            PackageType.Deb => "debian",
            PackageType.Apk => "alpine",
            _ => "rpm",
        };
    }

    // Everything but the unreserved characters of RFC 3986 is percent-encoded, so an epoch's
    // ':' and a version's '+' survive every purl parser.
    private static string Encode(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
