using Drydock.Advisories;

namespace Drydock.Images.Scan;

/// <summary>Which findings a scan reports.</summary>
public sealed record ScanFilter
{
    /// <summary>The severities to keep; empty keeps every severity.</summary>
    public IReadOnlySet<Severity> Severities { get; init; } = new HashSet<Severity>();

    /// <summary>Drops findings without a fix in the release: open, will not fix, unimportant.</summary>
    public bool IgnoreUnfixed { get; init; }

    /// <summary>VEX statements; a <c>not_affected</c> or <c>fixed</c> one suppresses the findings it covers.</summary>
    public VexFilter? Vex { get; init; }

    /// <summary>Returns true when the report keeps <paramref name="finding"/>; not-affected ones never stay.</summary>
    public bool Keeps(Finding finding) =>
        finding.Verdict != Verdict.NotAffected
        && (!IgnoreUnfixed || finding.Verdict == Verdict.Fixable)
        && (Severities.Count == 0 || Severities.Contains(finding.Severity));

    /// <summary>Parses a comma-separated list such as <c>high,critical</c>.</summary>
    public static IReadOnlySet<Severity> ParseSeverities(string? list)
    {
        var result = new HashSet<Severity>();
        foreach (var name in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<Severity>(name, ignoreCase: true, out var severity) || int.TryParse(name, out _))
            {
                throw new ArgumentException($"The severity '{name}' is invalid. Use a comma-separated list of "
                    + "unknown, negligible, low, medium, high and critical.", nameof(list));
            }

            result.Add(severity);
        }

        return result;
    }
}
