using Drydock.Advisories;
using Drydock.Advisories.Vex;
using Drydock.Oci;

namespace Drydock.Images.Scan;

/// <summary>
/// Decides which VEX statement speaks for a finding of one image. A statement applies when it
/// names the finding's vulnerability (or an alias or advisory of it) and either has no
/// products, names the image (by reference, manifest digest, <c>pkg:oci</c> purl or sha-256
/// hash, optionally narrowed by subcomponents to the package), or names the package by purl.
/// Among applicable statements the latest one wins, because OpenVEX 0.2.0 orders them by time.
/// Statements without a time count as oldest, and file order breaks ties.
/// </summary>
public sealed class VexFilter
{
    private readonly List<(VexStatement Statement, int Order)> _statements;

    public VexFilter(IEnumerable<VexStatement> statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        _statements = statements.Select((statement, order) => (statement, order)).ToList();
    }

    /// <summary>The number of statements loaded.</summary>
    public int Count => _statements.Count;

    /// <summary>Returns the statement that decides <paramref name="finding"/>, or null when none applies.</summary>
    public VexStatement? Decide(Finding finding, ScanImage image)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(image);
        var ids = new HashSet<string>(finding.Aliases.Concat(finding.Advisories), StringComparer.OrdinalIgnoreCase)
        {
            finding.Vulnerability,
        };
        return _statements
            .Where(s => s.Statement.Vulnerabilities.Any(ids.Contains) && Covers(s.Statement, finding.Package, image))
            .OrderBy(s => s.Statement.Timestamp ?? DateTimeOffset.MinValue)
            .ThenBy(s => s.Order)
            .Select(s => s.Statement)
            .LastOrDefault();
    }

    private static bool Covers(VexStatement statement, PackageQuery package, ScanImage image) =>
        statement.Products.Count == 0
        || statement.Products.Any(product =>
            (NamesImage(product, image)
                && (product.Subcomponents.Count == 0 || product.Subcomponents.Any(s => NamesPackage(s, package))))
            || NamesPackage(product, package));

    internal static bool NamesImage(VexProduct product, ScanImage image)
    {
        if (product.Id is { } id && (id == image.Name || NamesDigest(id, image.ManifestDigest)))
        {
            return true;
        }

        if (product.Purl is { } purl && NamesDigest(purl, image.ManifestDigest))
        {
            return true;
        }

        return image.ManifestDigest is { Algorithm: "sha256" } digest
            && product.Hashes.TryGetValue("sha-256", out var hash) && hash == digest.Hex;
    }

    // "sha256:…", "registry/repo@sha256:…" and "pkg:oci/repo@sha256%3A…" all name the manifest.
    private static bool NamesDigest(string text, Digest? manifest)
    {
        if (manifest is not { } digest)
        {
            return false;
        }

        if (text.StartsWith("pkg:oci/", StringComparison.OrdinalIgnoreCase))
        {
            return PackageUrl.TryParse(text, out var purl) && purl.Version == digest.ToString();
        }

        var at = text.LastIndexOf('@');
        return (at < 0 ? text : text[(at + 1)..]) == digest.ToString();
    }

    internal static bool NamesPackage(VexProduct product, PackageQuery package)
    {
        foreach (var text in new[] { product.Purl, product.Id })
        {
            if (text is not null && PackageUrl.TryParse(text, out var purl) && purl.Matches(package))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The image a scan reads, as VEX products and reports name it.</summary>
/// <param name="Name">The image as the user named it.</param>
/// <param name="ManifestDigest">The digest of its manifest, when read from a source.</param>
public sealed record ScanImage(string Name, Digest? ManifestDigest);
