using System.Text.Json;
using Drydock.Advisories;
using Drydock.Images.Scan;
using Drydock.Oci;
using Drydock.Packages.Inventory;
using Drydock.Reports.Scan;

namespace Drydock.Reports.Tests.Scan;

public sealed class ScanWriterTests
{
    private static readonly Digest _layer = Digest.Compute("layer"u8.ToArray());

    // CVE-2023-4911 as DSA-5514-1 states it for bookworm, found in a distroless libc6.
    private static ScanDocument Document()
    {
        var libc = new PackageQuery("libc6", "2.36-9+deb12u1", "glibc", null, "amd64", PackageType.Deb);
        var finding = new Finding
        {
            Vulnerability = "CVE-2023-4911",
            Advisories = ["DSA-5514-1"],
            Aliases = [],
            Package = libc,
            MatchedName = "glibc",
            MatchedVersion = "2.36-9+deb12u1",
            Verdict = Verdict.Fixable,
            FixedVersion = "2.36-9+deb12u3",
            Severity = Severity.High,
            DistributionSeverity = "high",
            Source = "debian-osv",
        };
        var open = finding with
        {
            Vulnerability = "CVE-2010-4756",
            Advisories = [],
            Verdict = Verdict.Unimportant,
            FixedVersion = null,
            Severity = Severity.Negligible,
            DistributionSeverity = "unimportant",
        };
        return new ScanDocument
        {
            Image = "oci:distroless",
            Result = new ScanResult
            {
                Distro = null,
                Namespace = AdvisoryNamespace.Parse("debian:12"),
                HasData = true,
                EndOfLife = false,
                PackageCount = 9,
                Findings = [new ScanFinding(finding, 1, _layer), new ScanFinding(open, 1, _layer)],
                Filtered = 0,
                Warnings = [],
            },
        };
    }

    [Fact]
    public void Json_Finding_HasDocumentedFields()
    {
        using var json = JsonDocument.Parse(ScanWriter.WriteToString(Document(), ScanFormat.Json));

        var root = json.RootElement;
        Assert.Equal("debian:12", root.GetProperty("namespace").GetString());
        Assert.True(root.GetProperty("hasData").GetBoolean());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("high").GetInt32());
        var finding = root.GetProperty("findings")[0];
        Assert.Equal("CVE-2023-4911", finding.GetProperty("vulnerability").GetString());
        Assert.Equal("DSA-5514-1", finding.GetProperty("advisories")[0].GetString());
        Assert.Equal("libc6", finding.GetProperty("package").GetString());
        Assert.Equal("2.36-9+deb12u1", finding.GetProperty("installedVersion").GetString());
        Assert.Equal("glibc", finding.GetProperty("sourceName").GetString());
        Assert.Equal("2.36-9+deb12u3", finding.GetProperty("fixedVersion").GetString());
        Assert.Equal("fixable", finding.GetProperty("verdict").GetString());
        Assert.Equal("high", finding.GetProperty("severity").GetString());
        Assert.Equal(_layer.ToString(), finding.GetProperty("layerDiffId").GetString());
        Assert.Equal("unimportant", root.GetProperty("findings")[1].GetProperty("verdict").GetString());
    }

    [Fact]
    public void Table_Package_GroupsFindingsAndMarksFixable()
    {
        var table = ScanWriter.WriteToString(Document(), ScanFormat.Table);

        Assert.Contains("libc6 2.36-9+deb12u1 (source glibc 2.36-9+deb12u1) layer 1\n", table, StringComparison.Ordinal);
        Assert.Contains("* CVE-2023-4911", table, StringComparison.Ordinal);
        Assert.Contains("  CVE-2010-4756", table, StringComparison.Ordinal);
        Assert.Contains("fixed in 2.36-9+deb12u3 [DSA-5514-1]", table, StringComparison.Ordinal);
        Assert.Contains("2 findings (1 fixable, marked *): 0 critical, 1 high", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Verdict.WillNotFix, "will-not-fix")]
    [InlineData(Verdict.NotAffected, "not-affected")]
    [InlineData(Verdict.Open, "open")]
    public void Name_Verdict_IsHyphenated(Verdict verdict, string expected) =>
        Assert.Equal(expected, ScanWriter.Name(verdict));
}
