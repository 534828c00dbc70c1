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
    /// <summary>The age past which a release's advisory data is reported as stale.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(7);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Matches the inventory's packages and applies VEX statements, then the filters.</summary>
    /// <param name="inventory">The image's packages with their layers.</param>
    /// <param name="filter">The filters and VEX statements; none by default.</param>
    /// <param name="image">The image's name and digest, which VEX products are compared with.</param>
    /// <param name="baseImage">The layers that came from the base image, when known.</param>
    public ScanResult Scan(ImageInventoryResult inventory, ScanFilter? filter = null, ScanImage? image = null,
        BaseImage? baseImage = null)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        filter ??= new ScanFilter();
        image ??= new ScanImage("image", null);
        var distro = DistroDetector.Detect(path => inventory.ReleaseFiles.GetValueOrDefault(path));
        if (distro is null || !AdvisoryNamespace.TryParse(distro.Namespace, out var ns))
        {
            return Empty(distro, inventory, baseImage, "The image names no known distribution (no /etc/os-release or "
                + "similar file was recognised), so its packages could not be matched against any advisories.");
        }

        if (inventory.Packages.Count == 0 && distro.PackageFormat != PackageFormat.Unknown)
        {
            // A release that uses a package manager but lists no package: the database is missing,
            // hidden by a whiteout or unreadable. Zero findings would read as a clean image.
            return Empty(distro, inventory, baseImage, $"The image says it is {distro.PrettyName ?? distro.Id} but "
                + "Drydock found no installed package in it (the package database is missing, removed by a "
                + "later layer or unreadable), so nothing could be matched against advisories.");
        }

        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var queries = inventory.Packages.Select(p => PackageQuery.FromInstalled(p.Package)).ToList();
        var match = new AdvisoryMatcher(store, _clock).Match(ns, queries);
        var positions = new Dictionary<PackageQuery, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < queries.Count; i++)
        {
            positions[queries[i]] = i;
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
        if (match.HasData && StaleDataWarning(ns) is { } stale)
        {
            warnings.Add(stale);
        }

        warnings.AddRange(DiagnosticWarnings(inventory));
        var reportable = new List<ScanFinding>();
        var suppressed = new List<SuppressedFinding>();
        foreach (var finding in match.Findings.Where(f => f.Verdict != Verdict.NotAffected))
        {
            var attributed = Attribute(finding, inventory, positions[finding.Package]);
            if (filter.Vex?.Decide(finding, image) is { Suppresses: true } statement)
            {
                suppressed.Add(new SuppressedFinding(attributed, statement));
            }
            else
            {
                reportable.Add(attributed);
            }
        }

        var kept = reportable.Where(f => filter.Keeps(f.Finding)).ToList();
        return new ScanResult
        {
            Distro = distro,
            Namespace = ns,
            HasData = match.HasData,
            EndOfLife = endOfLife,
            SupportEnd = match.SupportEnd ?? distro.EndOfLife,
            PackageCount = queries.Count,
            Findings = kept,
            Filtered = reportable.Count - kept.Count,
            Suppressed = suppressed,
            Base = baseImage,
            Warnings = warnings,
        };
    }

    private static ScanFinding Attribute(Finding finding, ImageInventoryResult inventory, int position)
    {
        var package = inventory.Packages[position];
        return new ScanFinding(finding, package.LayerIndex, package.LayerDiffId) { PackageIndex = position };
    }

    /// <summary>
    /// Warns when the freshest source for the release is older than <see cref="StaleAfter"/>:
    /// fixes published since then are unknown, so "no fix" findings may be out of date.
    /// </summary>
    private string? StaleDataWarning(AdvisoryNamespace ns)
    {
        var now = _clock.GetUtcNow();
        var sources = store.GetStatus().Where(s => s.Namespaces.Contains(ns.ToString())).ToList();
        if (sources.Count == 0)
        {
            return null;
        }

        // A feed without dates (the tracker's dump) is as fresh as its import.
        var freshest = sources.MinBy(s => s.Age(now) ?? now - s.ImportedAt)!;
        var age = freshest.Age(now) ?? now - freshest.ImportedAt;
        if (age <= StaleAfter)
        {
            return null;
        }

        var dated = freshest.NewestAdvisory is { } newest
            ? $"its newest advisory is from {newest:yyyy-MM-dd}"
            : $"it was imported on {freshest.ImportedAt:yyyy-MM-dd}";
        return $"The advisory data for '{ns}' is {(int)age.TotalDays} days old ({dated}), so fixes published "
            + "since then are not known. Run 'drydock db update' before relying on this scan.";
    }

    /// <summary>
    /// The package-database problems the inventory met, so a report that CI reads carries them
    /// and not only the log. Long lists are cut, with the count of those left out.
    /// </summary>
    private static IEnumerable<string> DiagnosticWarnings(ImageInventoryResult inventory)
    {
        const int MaxListed = 20;
        foreach (var diagnostic in inventory.Diagnostics.Take(MaxListed))
        {
            yield return $"{diagnostic.File}:{diagnostic.Line}: {diagnostic.Message}";
        }

        if (inventory.Diagnostics.Count > MaxListed)
        {
            yield return $"{inventory.Diagnostics.Count - MaxListed} more package-database problems are not listed here; "
                + "the log on stderr lists them all.";
        }
    }

    private static ScanResult Empty(Distro? distro, ImageInventoryResult inventory, BaseImage? baseImage,
        string warning)
    {
        return new ScanResult
        {
            Base = baseImage,
            Distro = distro,
            Namespace = null,
            HasData = false,
            EndOfLife = false,
            PackageCount = inventory.Packages.Count,
            Findings = [],
            Filtered = 0,
            Warnings = [warning, .. DiagnosticWarnings(inventory)],
        };
    }
}
