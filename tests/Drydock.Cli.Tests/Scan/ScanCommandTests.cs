using System.Text.Json;
using Drydock.Cli.Tests.Registry;
using Drydock.Testing.Reports;

namespace Drydock.Cli.Tests.Scan;

// Expected findings were checked by hand against the records of the Debian OSV export of
// 2025-02-12 (CVE/2010/CVE-2010-4756.json, CVE/2024/CVE-2024-2379.json and the like) and the
// versions that mmdebstrap installs from the bookworm archive.
public sealed class ScanCommandTests(ScanFixture fixture) : IClassFixture<ScanFixture>
{
    [Fact]
    public async Task Scan_RegistryImage_ReportsRealFindings()
    {
        var run = await ScanAsync(fixture.CurlImage, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("debian:12", root.GetProperty("namespace").GetString());
        Assert.True(root.GetProperty("hasData").GetBoolean());
        Assert.False(root.GetProperty("endOfLife").GetBoolean());
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        AssertFinding(findings, "libc6", "CVE-2010-4756", "glibc", "unimportant", "negligible", 0);
        AssertFinding(findings, "libc6", "CVE-2019-9192", "glibc", "unimportant", "negligible", 0);
        AssertFinding(findings, "coreutils", "CVE-2016-2781", "coreutils", "open", "low", 0);
        AssertFinding(findings, "login", "CVE-2023-4641", "shadow", "open", "unknown", 0);
        AssertFinding(findings, "tar", "CVE-2005-2541", "tar", "unimportant", "negligible", 0);
        AssertFinding(findings, "curl", "CVE-2024-2379", "curl", "unimportant", "negligible", 1);
        AssertFinding(findings, "libcurl4", "CVE-2024-2379", "curl", "unimportant", "negligible", 1);
        AssertFinding(findings, "libcurl4", "CVE-2024-11053", "curl", "open", "unknown", 1);
        AssertFinding(findings, "libkrb5-3", "CVE-2024-26462", "krb5", "open", "unknown", 1);
        AssertFinding(findings, "libldap-2.5-0", "CVE-2023-2953", "openldap", "open", "unknown", 1);
        AssertFinding(findings, "libssl3", "CVE-2010-0928", "openssl", "unimportant", "negligible", 1);
        AssertFinding(findings, "libgssapi-krb5-2", "CVE-2018-5709", "krb5", "unimportant", "negligible", 1);
        // DSA-5514-1 fixed CVE-2023-4911 in 2.36-9+deb12u3, older than any glibc the archive serves now.
        Assert.DoesNotContain(findings, f => f.GetProperty("vulnerability").GetString() == "CVE-2023-4911");
        // Advisories name source packages: no finding may carry the binary name as its source.
        Assert.DoesNotContain(findings, f => f.GetProperty("package").GetString() == "libcurl4"
            && f.GetProperty("sourceName").GetString() == "libcurl4");
    }

    [Fact]
    public async Task Scan_BaseLayers_SplitsBaseAndApplication()
    {
        var run = await ScanAsync(fixture.CurlImage, "--format", "json", "--base-layers", "1");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        var split = root.GetProperty("base");
        Assert.Equal("--base-layers", split.GetProperty("origin").GetString());
        Assert.Equal(1, split.GetProperty("layers").GetInt32());
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        Assert.All(findings, f => Assert.Equal(f.GetProperty("layerIndex").GetInt32() == 0,
            f.GetProperty("fromBase").GetBoolean()));
        Assert.Equal(findings.Count(f => f.GetProperty("fromBase").GetBoolean()),
            split.GetProperty("baseFindings").GetInt32());
        Assert.True(split.GetProperty("applicationFindings").GetInt32() > 0);
    }

    [Fact]
    public async Task Scan_BaseAnnotation_ReadsBaseFromSameRegistry()
    {
        var run = await ScanAsync(fixture.AnnotatedImage, "--format", "table");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("libc6 2.36-9+deb12u", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("layer 0 (base)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("layer 1 (application)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("(bottom 1 layers, from annotation)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_Sarif_PassesValidator()
    {
        var run = await ScanAsync(fixture.CurlImage, "--format", "sarif");

        Assert.True(run.ExitCode == 0, run.Stderr);
        SarifValidator.AssertValid(run.Stdout);
        using var json = JsonDocument.Parse(run.Stdout);
        var results = json.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Contains(results, r => r.GetProperty("ruleId").GetString() == "CVE-2024-2379"
            && r.GetProperty("properties").GetProperty("package").GetString() == "libcurl4");
    }

    [Fact]
    public async Task Scan_CycloneDx_PassesSchema()
    {
        var run = await ScanAsync(fixture.CurlImage, "--format", "cyclonedx");

        Assert.True(run.ExitCode == 0, run.Stderr);
        SchemaValidation.AssertValid("cyclonedx", run.Stdout);
        using var json = JsonDocument.Parse(run.Stdout);
        var vulnerability = json.RootElement.GetProperty("vulnerabilities").EnumerateArray()
            .Single(v => v.GetProperty("id").GetString() == "CVE-2024-2379");
        var affected = vulnerability.GetProperty("affects").EnumerateArray()
            .Select(a => a.GetProperty("ref").GetString()).ToList();
        Assert.Equal(2, affected.Count);
        Assert.Contains(affected, r => r!.StartsWith("pkg:deb/debian/libcurl4@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_Vex_SuppressesAndListsStatement()
    {
        var vex = Path.Combine(fixture.Folder, "curl.vex.json");
        await File.WriteAllTextAsync(vex, """
            {
              "@context": "https://openvex.dev/ns/v0.2.0",
              "@id": "https://vex.test/curl-2024-2379",
              "author": "Drydock tests",
              "timestamp": "2025-01-01T00:00:00Z",
              "version": 1,
              "statements": [{
                "vulnerability": { "name": "CVE-2024-2379" },
                "products": [{ "@id": "pkg:deb/debian/curl" }],
                "status": "not_affected",
                "justification": "vulnerable_code_not_in_execute_path"
              }]
            }
            """, TestContext.Current.CancellationToken);

        var run = await ScanAsync(fixture.CurlImage, "--format", "json", "--vex", vex);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("suppressed").GetInt32());
        Assert.DoesNotContain(root.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("vulnerability").GetString() == "CVE-2024-2379");
        var suppressed = root.GetProperty("suppressedFindings")[0];
        Assert.Equal("CVE-2024-2379", suppressed.GetProperty("vulnerability").GetString());
        Assert.Equal("vulnerable_code_not_in_execute_path",
            suppressed.GetProperty("vex").GetProperty("justification").GetString());
    }

    [Theory]
    [InlineData("not JSON", "{ not json")]
    [InlineData("unknown status", """{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","statements":[{"vulnerability":{"name":"CVE-1"},"status":"maybe"}]}""")]
    public async Task Scan_MalformedVex_Exits1(string name, string content)
    {
        var vex = Path.Combine(fixture.Folder, $"bad-{name.Replace(' ', '-')}.json");
        await File.WriteAllTextAsync(vex, content, TestContext.Current.CancellationToken);

        var run = await ScanAsync(fixture.CurlImage, "--vex", vex);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains(vex, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ExitCode_FindingsLeft()
    {
        var run = await ScanAsync(fixture.CurlImage, "--format", "json", "--exit-code", "7");

        Assert.Equal(7, run.ExitCode);
    }

    [Fact]
    public async Task Scan_ExitCode_NothingLeftAfterFilters()
    {
        // Debian rates no issue critical, so nothing is left.
        var run = await ScanAsync(fixture.CurlImage, "--format", "json", "--exit-code", "7", "--severity", "critical");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Empty(json.RootElement.GetProperty("findings").EnumerateArray());
        Assert.True(json.RootElement.GetProperty("filtered").GetInt32() > 100);
    }

    [Fact]
    public async Task Scan_EmptyStore_ExitsNoData()
    {
        var run = await DrydockProcess.RunAsync(["scan", "--db", fixture.EmptyStore, "--format", "json",
            "--insecure", fixture.CurlImage]);

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("'debian:12'", run.Stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.False(json.RootElement.GetProperty("hasData").GetBoolean());
    }

    [Fact]
    public async Task Scan_NoDataOutranksExitCode()
    {
        var run = await DrydockProcess.RunAsync(["scan", "--db", fixture.EmptyStore, "--exit-code", "0",
            "--allow-eol", "--insecure", fixture.CurlImage]);

        Assert.Equal(5, run.ExitCode);
    }

    [Fact]
    public async Task Scan_EndOfLife_Exits6()
    {
        var run = await ScanAsync(fixture.BusterImage, "--format", "json");

        Assert.Equal(6, run.ExitCode);
        Assert.Contains("'debian:10' is end of life", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_AllowEol_UsesFindingsExitCode()
    {
        var run = await ScanAsync(fixture.BusterImage, "--format", "json", "--allow-eol", "--exit-code", "9");

        Assert.Equal(9, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.GetProperty("endOfLife").GetBoolean());
        // The export's buster curl records: CVE-2021-22898 fixed in 7.64.0-4+deb10u3.
        var finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("vulnerability").GetString() == "CVE-2021-22898");
        Assert.Equal("libcurl4", finding.GetProperty("package").GetString());
        Assert.Equal("fixable", finding.GetProperty("verdict").GetString());
        Assert.Equal("7.64.0-4+deb10u3", finding.GetProperty("fixedVersion").GetString());
    }

    [Theory]
    [InlineData("unknown severity", "--severity", "severe")]
    [InlineData("too many base layers", "--base-layers", "5")]
    public async Task Scan_UsageErrors_Exit2(string name, string option, string value)
    {
        Assert.NotEmpty(name);

        var run = await ScanAsync(fixture.CurlImage, option, value);

        Assert.Equal(2, run.ExitCode);
    }

    private Task<DrydockRun> ScanAsync(string image, params string[] options) =>
        DrydockProcess.RunAsync(["scan", "--db", fixture.DebianStore, "--insecure", .. options, image]);

    private static void AssertFinding(List<JsonElement> findings, string package, string vulnerability,
        string source, string verdict, string severity, int layer)
    {
        var finding = Assert.Single(findings, f => f.GetProperty("package").GetString() == package
            && f.GetProperty("vulnerability").GetString() == vulnerability);
        Assert.Equal(source, finding.GetProperty("sourceName").GetString());
        Assert.Equal(verdict, finding.GetProperty("verdict").GetString());
        Assert.Equal(severity, finding.GetProperty("severity").GetString());
        Assert.Equal(layer, finding.GetProperty("layerIndex").GetInt32());
    }
}
