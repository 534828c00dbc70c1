namespace Drydock.Advisories;

/// <summary>
/// A severity on one scale for every distribution. The distribution's own label (Debian
/// urgency, Ubuntu priority, Red Hat impact) is kept beside it in <see cref="Finding"/>.
/// </summary>
public enum Severity
{
    /// <summary>The distribution has not rated the issue yet.</summary>
    Unknown,
    Negligible,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>Maps each distribution's severity labels onto <see cref="Severity"/>.</summary>
internal static class SeverityLabels
{
    public static Severity ToSeverity(string? label)
    {
        if (string.IsNullOrEmpty(label))
        {
            return Severity.Unknown;
        }

        // The Debian tracker marks a tentative urgency with a trailing "**" ("low**"); the
        // tracker's own pages treat it as the urgency it names.
        return label.TrimEnd('*').Trim().ToLowerInvariant() switch
        {
            "unimportant" or "negligible" => Severity.Negligible,
            "low" => Severity.Low,
            "medium" or "moderate" => Severity.Medium,
            "high" or "important" => Severity.High,
            "critical" => Severity.Critical,
            _ => Severity.Unknown,
        };
    }
}
