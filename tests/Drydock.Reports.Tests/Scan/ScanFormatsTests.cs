using System.Text.Json;
using Drydock.Advisories;
using Drydock.Advisories.Vex;
using Drydock.Images.Scan;
using Drydock.Reports.Scan;
using Drydock.Reports.Tests.Sbom;
using Drydock.Testing.Reports;

namespace Drydock.Reports.Tests.Scan;

public sealed class ScanFormatsTests
{
    private static readonly VexStatement _notAffected = new()
    {
        Vulnerabilities = ["CVE-2010-4756"],
        Products = [],
        Status = VexStatus.NotAffected,
        Justification = "vulnerable_code_not_in_execute_path",
        Statement = "glob() is never called with user input.",
        Location = "app.vex.json statements[0]",
        DocumentId = "https://vex.test/app-1",
    };

    // The Debian sample SBOM with glibc's CVE-2023-4911 fixable in both libc6 architectures,
    // CVE-2010-4756 suppressed by VEX, and the bottom layer taken as the base image.
    private static ScanDocument Document()
    {
        var sbom = SampleDocuments.Debian();
        var packages = sbom.Inventory.Packages;
        ScanFinding Found(int index, string id, Verdict verdict, Severity severity, string? fix)
        {
            var finding = new Finding
            {
                Vulnerability = id,
                Advisories = fix is null ? [] : ["DSA-5514-1"],
                Aliases = [],
                Package = PackageQuery.FromInstalled(packages[index].Package),
                MatchedName = "glibc",
                MatchedVersion = packages[index].Package.SourceVersion!,
                Verdict = verdict,
                FixedVersion = fix,
                Severity = severity,
                DistributionSeverity = severity == Severity.High ? "high" : "unimportant",
                Source = "debian-osv",
            };
            return new ScanFinding(finding, packages[index].LayerIndex, packages[index].LayerDiffId)
            {
                PackageIndex = index,
            };
        }

        return new ScanDocument
        {
            Image = "127.0.0.1:5000/app:1",
            ManifestDigest = sbom.Image.ManifestDigest,
            ToolVersion = "0.1.0",
            Sbom = sbom,
            Result = new ScanResult
            {
                Distro = null,
                Namespace = AdvisoryNamespace.Parse("debian:12"),
                HasData = true,
                EndOfLife = false,
                PackageCount = packages.Count,
                Findings =
                [
                    Found(1, "CVE-2023-4911", Verdict.Fixable, Severity.High, "2.36-9+deb12u10"),
                    Found(2, "CVE-2023-4911", Verdict.Fixable, Severity.High, "2.36-9+deb12u10"),
                ],
                Suppressed = [new SuppressedFinding(Found(1, "CVE-2010-4756", Verdict.Unimportant,
                    Severity.Negligible, null), _notAffected)],
                Base = new BaseImage { DiffIds = [sbom.Inventory.Layers[0].DiffId], Origin = "--base-layers" },
                Filtered = 0,
                Warnings = ["A sample warning."],
            },
        };
    }

    [Fact]
    public void Sarif_Document_PassesValidator() =>
        SarifValidator.AssertValid(ScanWriter.WriteToString(Document(), ScanFormat.Sarif));

    [Fact]
    public void Sarif_RulePerVulnerability_ResultPerPackage()
    {
        using var json = JsonDocument.Parse(ScanWriter.WriteToString(Document(), ScanFormat.Sarif));

        var run = json.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        Assert.Equal(["CVE-2010-4756", "CVE-2023-4911"], rules.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("error", rules[1].GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal("8.0", rules[1].GetProperty("properties").GetProperty("security-severity").GetString());
        Assert.Equal("https://security-tracker.debian.org/tracker/CVE-2023-4911", rules[1].GetProperty("helpUri").GetString());
        var results = run.GetProperty("results");
        Assert.Equal(3, results.GetArrayLength());
        var first = results[0];
        Assert.Equal(1, first.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("error", first.GetProperty("level").GetString());
        var location = first.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("./127.0.0.1:5000/app:1", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        var properties = first.GetProperty("properties");
        Assert.True(properties.GetProperty("fixable").GetBoolean());
        Assert.Equal("fixable", properties.GetProperty("verdict").GetString());
        Assert.Equal("2.36-9+deb12u10", properties.GetProperty("fixedVersion").GetString());
        Assert.False(properties.GetProperty("fromBase").GetBoolean());
    }

    [Fact]
    public void Sarif_VexSuppressed_HasSuppression()
    {
        using var json = JsonDocument.Parse(ScanWriter.WriteToString(Document(), ScanFormat.Sarif));

        var suppressed = json.RootElement.GetProperty("runs")[0].GetProperty("results")[2];
        Assert.Equal("note", suppressed.GetProperty("level").GetString());
        var suppression = suppressed.GetProperty("suppressions")[0];
        Assert.Equal("external", suppression.GetProperty("kind").GetString());
        Assert.Contains("vulnerable_code_not_in_execute_path", suppression.GetProperty("justification").GetString(),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registry", "docker.io/library/debian:12", "docker.io/library/debian:12")]
    [InlineData("hostname with port", "localhost:5000/app:1", "localhost:5000/app:1")]
    [InlineData("address with port", "127.0.0.1:5000/app:1", "./127.0.0.1:5000/app:1")]
    [InlineData("layout", "oci:/tmp/my image:v1", "oci:/tmp/my%20image:v1")]
    [InlineData("underscore host", "reg_1:5000/app", "./reg_1:5000/app")]
    public void ImageUri_Location_IsUriReference(string name, string image, string expected)
    {
        Assert.NotEmpty(name);

        Assert.Equal(expected, SarifWriter.ImageUri(image));
    }

    [Fact]
    public void CycloneDx_Document_PassesSchema() =>
        SchemaValidation.AssertValid("cyclonedx", ScanWriter.WriteToString(Document(), ScanFormat.CycloneDx));

    [Fact]
    public void CycloneDx_Vulnerability_AffectsBothArchitectures()
    {
        using var json = JsonDocument.Parse(ScanWriter.WriteToString(Document(), ScanFormat.CycloneDx));

        var vulnerabilities = json.RootElement.GetProperty("vulnerabilities");
        Assert.Equal(2, vulnerabilities.GetArrayLength());
        var glibc = vulnerabilities[1];
        Assert.Equal("CVE-2023-4911", glibc.GetProperty("id").GetString());
        Assert.Equal("Debian", glibc.GetProperty("source").GetProperty("name").GetString());
        Assert.Equal("high", glibc.GetProperty("ratings")[0].GetProperty("severity").GetString());
        Assert.Equal("exploitable", glibc.GetProperty("analysis").GetProperty("state").GetString());
        Assert.Equal("update", glibc.GetProperty("analysis").GetProperty("response")[0].GetString());
        Assert.Equal("Upgrade glibc to 2.36-9+deb12u10.", glibc.GetProperty("recommendation").GetString());
        var references = glibc.GetProperty("affects").EnumerateArray().Select(a => a.GetProperty("ref").GetString()).ToList();
        var components = json.RootElement.GetProperty("components").EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() == "libc6")
            .Select(c => c.GetProperty("bom-ref").GetString())
            .ToList();
        Assert.Equal(components, references);
    }

    [Fact]
    public void CycloneDx_VexSuppressed_IsNotAffected()
    {
        using var json = JsonDocument.Parse(ScanWriter.WriteToString(Document(), ScanFormat.CycloneDx));

        var analysis = json.RootElement.GetProperty("vulnerabilities")[0].GetProperty("analysis");
        Assert.Equal("not_affected", analysis.GetProperty("state").GetString());
        Assert.Equal("code_not_reachable", analysis.GetProperty("justification").GetString());
    }

    [Fact]
    public void Json_SuppressedAndBase_AreListed()
    {
        using var json = JsonDocument.Parse(ScanWriter.WriteToString(Document(), ScanFormat.Json));

        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("suppressed").GetInt32());
        var vex = root.GetProperty("suppressedFindings")[0].GetProperty("vex");
        Assert.Equal("not_affected", vex.GetProperty("status").GetString());
        Assert.Equal("vulnerable_code_not_in_execute_path", vex.GetProperty("justification").GetString());
        Assert.Equal("https://vex.test/app-1", vex.GetProperty("document").GetString());
        Assert.Equal(1, root.GetProperty("base").GetProperty("layers").GetInt32());
        Assert.Equal(1, root.GetProperty("base").GetProperty("baseFindings").GetInt32());
        Assert.Equal(1, root.GetProperty("base").GetProperty("applicationFindings").GetInt32());
        Assert.True(root.GetProperty("findings")[1].GetProperty("fromBase").GetBoolean());
    }

    [Fact]
    public void Table_SuppressedAndBase_AreCounted()
    {
        var table = ScanWriter.WriteToString(Document(), ScanFormat.Table);

        Assert.Contains("1 from the base image (bottom 1 layers, from --base-layers), 1 added by the application layers",
            table, StringComparison.Ordinal);
        Assert.Contains("1 findings suppressed by VEX:", table, StringComparison.Ordinal);
        Assert.Contains("CVE-2010-4756      libc6 2.36-9+deb12u9: not_affected: vulnerable_code_not_in_execute_path",
            table, StringComparison.Ordinal);
    }
}
