using Drydock.Advisories;
using Drydock.Advisories.Matching;
using Drydock.Advisories.Store;
using Drydock.Images.Inventory;
using Drydock.Packages.Distros;

namespace Drydock.Images.Scan;

/// <summary>
/// Matches an image's inventory against the advisories of its own distribution release and
/// keeps the layer of each vulnerable package. A scan never reports a quiet zero: a missing
/// namespace and an undetected distribution are reported through <see cref="ScanResult.HasData"/>.
/// </summary>
public sealed class ImageScanner(AdvisoryStore store, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public ScanResult Scan(ImageInventoryResult inventory, ScanFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        filter ??= new ScanFilter();
        var distro = DistroDetector.Detect(path => inventory.ReleaseFiles.GetValueOrDefault(path));
        if (distro is null || !AdvisoryNamespace.TryParse(distro.Namespace, out var ns))
        {
            return Empty(distro, inventory, "The image names no known distribution (no /etc/os-release or "
                + "similar file was recognised), so its packages could not be matched against any advisories.");
        }

        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var queries = inventory.Packages.Select(p => PackageQuery.FromInstalled(p.Package)).ToList();
        var match = new AdvisoryMatcher(store, _clock).Match(ns, queries);
        var layers = new Dictionary<PackageQuery, ImagePackage>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < queries.Count; i++)
        {
            layers[queries[i]] = inventory.Packages[i];
        }

        var warnings = new List<string>();
        var endOfLife = match.EndOfLife || distro.IsEndOfLife(today);
        if (endOfLife)
        {
            var end = match.SupportEnd ?? distro.EndOfLife;
            warnings.Add($"The release '{ns}' is end of life{(end is { } e ? $" since {e:yyyy-MM-dd}" : "")}: it gets "
                + "no more security fixes, so findings are incomplete. Move to a supported release.");
        }

        warnings.AddRange(match.Warnings);
        var kept = match.Findings.Where(filter.Keeps).ToList();
        var dropped = match.Findings.Count(f => f.Verdict != Verdict.NotAffected) - kept.Count;
        return new ScanResult
        {
            Distro = distro,
            Namespace = ns,
            HasData = match.HasData,
            EndOfLife = endOfLife,
            SupportEnd = match.SupportEnd ?? distro.EndOfLife,
            PackageCount = queries.Count,
            Findings = kept.Select(f => Attribute(f, layers[f.Package])).ToList(),
            Filtered = dropped,
            Warnings = warnings,
        };
    }

    private static ScanFinding Attribute(Finding finding, ImagePackage package) =>
        new(finding, package.LayerIndex, package.LayerDiffId);

    private static ScanResult Empty(Distro? distro, ImageInventoryResult inventory, string warning) => new()
    {
        Distro = distro,
        Namespace = null,
        HasData = false,
        EndOfLife = false,
        PackageCount = inventory.Packages.Count,
        Findings = [],
        Filtered = 0,
        Warnings = [warning],
    };
}
