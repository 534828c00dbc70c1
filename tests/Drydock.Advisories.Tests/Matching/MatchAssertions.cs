namespace Drydock.Advisories.Tests.Matching;

internal static class MatchAssertions
{
    /// <summary>Returns the one finding of a vulnerability on a package, failing when there is none.</summary>
    public static Finding Single(this MatchResult result, string package, string vulnerability)
    {
        var matches = result.Findings.Where(f => f.Package.Name == package && f.Vulnerability == vulnerability).ToList();
        Assert.True(matches.Count == 1, $"{matches.Count} findings of {vulnerability} on {package}");
        return matches[0];
    }

    public static void None(this MatchResult result, string package, string vulnerability) =>
        Assert.DoesNotContain(result.Findings, f => f.Package.Name == package && f.Vulnerability == vulnerability);

    public static void Fixable(this MatchResult result, string package, string vulnerability, string fixedVersion)
    {
        var finding = result.Single(package, vulnerability);
        Assert.Equal(Advisories.Verdict.Fixable, finding.Verdict);
        Assert.Equal(fixedVersion, finding.FixedVersion);
    }

    public static void Verdict(
        this MatchResult result, string package, string vulnerability, Advisories.Verdict verdict)
    {
        var finding = result.Single(package, vulnerability);
        Assert.Equal(verdict, finding.Verdict);
        Assert.Null(finding.FixedVersion);
    }
}
