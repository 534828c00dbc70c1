using System.Diagnostics.CodeAnalysis;
using Drydock.Advisories;
using Drydock.Packages.Inventory;

namespace Drydock.Images.Scan;

/// <summary>
/// The parts of a package URL that identify an OS package
/// (https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst):
/// <c>pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS</c>, percent-decoded.
/// </summary>
internal sealed record PackageUrl(string Type, string? Namespace, string Name, string? Version,
    IReadOnlyDictionary<string, string> Qualifiers)
{
    public static bool TryParse(string text, [NotNullWhen(true)] out PackageUrl? purl)
    {
        purl = null;
        if (!text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = text[4..].TrimStart('/');
        var hash = rest.IndexOf('#');
        rest = hash < 0 ? rest : rest[..hash];
        var qualifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        var question = rest.IndexOf('?');
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                if (equals > 0)
                {
                    qualifiers[pair[..equals].ToLowerInvariant()] = Uri.UnescapeDataString(pair[(equals + 1)..]);
                }
            }

            rest = rest[..question];
        }

        string? version = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            version = Uri.UnescapeDataString(rest[(at + 1)..]);
            rest = rest[..at];
        }

        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return false;
        }

        var ns = segments.Length > 2 ? string.Join('/', segments[1..^1].Select(Uri.UnescapeDataString)) : null;
        purl = new PackageUrl(segments[0].ToLowerInvariant(), ns, Uri.UnescapeDataString(segments[^1]), version,
            qualifiers);
        return true;
    }

    /// <summary>
    /// Whether this purl names the installed package: the same package type, the binary name
    /// with its version, or the source name with the source version, because distribution
    /// advisories (and so many VEX documents) name source packages. A purl without a version
    /// covers every version, and an <c>arch</c> qualifier must match when both sides give one.
    /// </summary>
    public bool Matches(PackageQuery package)
    {
        var type = package.Type switch
        {
            PackageType.Deb => "deb",
            PackageType.Apk => "apk",
            _ => "rpm",
        };
        if (Type != type
            || (Qualifiers.TryGetValue("arch", out var arch) && package.Architecture is { } installed && arch != installed))
        {
            return false;
        }

        return (Name == package.Name && (Version is null || Version == BinaryVersion(package)))
            || (Name == (package.SourceName ?? package.Name)
                && (Version is null || Version == (package.SourceVersion ?? package.Version)));
    }

    // rpm purls carry VERSION-RELEASE with the epoch as a qualifier, while the query contains
    // EPOCH:VERSION-RELEASE; dpkg and apk purls carry the version as installed.
    private string BinaryVersion(PackageQuery package)
    {
        if (package.Type != PackageType.Rpm)
        {
            return package.Version;
        }

        var colon = package.Version.IndexOf(':');
        var epoch = colon < 0 ? "0" : package.Version[..colon];
        var versionRelease = package.Version[(colon + 1)..];
        return Qualifiers.GetValueOrDefault("epoch", "0") == epoch ? versionRelease : package.Version;
    }
}
