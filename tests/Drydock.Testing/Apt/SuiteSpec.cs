namespace Drydock.Testing.Apt;

/// <summary>
/// One suite of a test repository: real packages given as <c>name=version</c> (versions
/// the machine's apt can download) and the Release fields to write.
/// </summary>
public sealed record SuiteSpec(string Suite, string Codename, string Label, IReadOnlyList<string> Packages)
{
    public string Origin { get; init; } = "Drydock Test";

    public bool NotAutomatic { get; init; }

    public bool ButAutomaticUpgrades { get; init; }

    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>A Date to write in place of the current time.</summary>
    public DateTimeOffset? Date { get; init; }

    public bool AcquireByHash { get; init; }

    /// <summary>Paths of .deb files built by the test, served beside the downloaded packages.</summary>
    public IReadOnlyList<string> LocalDebs { get; init; } = [];
}
