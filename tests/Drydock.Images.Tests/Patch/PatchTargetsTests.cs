using Drydock.Images.Patch;
using Drydock.Packages.Versions;

namespace Drydock.Images.Tests.Patch;

/// <summary>Reading the findings to fix from drydock scan and Trivy JSON reports.</summary>
public sealed class PatchTargetsTests : IDisposable
{
    // The shape of `trivy image -f json` (SchemaVersion 2): one result per target class.
    private const string Trivy = """
        {
          "SchemaVersion": 2,
          "ArtifactName": "debian:12",
          "ArtifactType": "container_image",
          "Results": [
            {
              "Target": "debian:12 (debian 12.5)",
              "Class": "os-pkgs",
              "Type": "debian",
              "Vulnerabilities": [
                { "VulnerabilityID": "CVE-2024-45491", "PkgName": "libexpat1",
                  "InstalledVersion": "2.5.0-1", "FixedVersion": "2.5.0-1+deb12u1", "Severity": "CRITICAL" },
                { "VulnerabilityID": "CVE-2024-2511", "PkgName": "libssl3",
                  "InstalledVersion": "3.0.11-1~deb12u2", "FixedVersion": "3.0.13-1~deb12u1, 3.0.11-1~deb12u3" },
                { "VulnerabilityID": "CVE-2011-3374", "PkgName": "apt", "InstalledVersion": "2.6.1" }
              ]
            },
            { "Target": "app/package-lock.json", "Class": "lang-pkgs", "Type": "npm" }
          ]
        }
        """;

    private const string Drydock = """
        {
          "image": "oci:app",
          "findings": [
            { "vulnerability": "CVE-2023-4911", "package": "libc6", "installedVersion": "2.36-9+deb12u1",
              "sourceName": "glibc", "fixedVersion": "2.36-9+deb12u3", "verdict": "fixable" },
            { "vulnerability": "CVE-2010-4756", "package": "libc6", "installedVersion": "2.36-9+deb12u1",
              "fixedVersion": null, "verdict": "unimportant" }
          ]
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-targets-").FullName;

    [Fact]
    public void ReadReport_Trivy()
    {
        var targets = PatchTargets.ReadReport(Write(Trivy));

        Assert.Equal(2, targets.Count);
        Assert.Equal(new PatchTarget("libexpat1", "CVE-2024-45491", DebianVersion.Parse("2.5.0-1+deb12u1")), targets[0]);
        Assert.Equal(DebianVersion.Parse("3.0.11-1~deb12u3"), targets[1].FixedVersion);
    }

    [Fact]
    public void ReadReport_DrydockScan()
    {
        var target = Assert.Single(PatchTargets.ReadReport(Write(Drydock)));

        Assert.Equal(new PatchTarget("libc6", "CVE-2023-4911", DebianVersion.Parse("2.36-9+deb12u3")), target);
    }

    [Theory]
    [InlineData("not json", "valid JSON")]
    [InlineData("{\"SchemaVersion\": 2}", "neither")]
    [InlineData("{\"findings\": {}}", "array")]
    [InlineData("{\"findings\": [{\"package\": \"libc6\", \"fixedVersion\": \"1.0\"}]}", "'vulnerability'")]
    [InlineData("{\"findings\": [{\"package\": \"a\", \"vulnerability\": \"CVE-1\", \"fixedVersion\": \"1.0 beta\"}]}", "'1.0 beta'")]
    public void ReadReport_RejectsMalformed(string json, string named)
    {
        var path = Write(json);

        var error = Assert.Throws<InvalidDataException>(() => PatchTargets.ReadReport(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string content)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, content);
        return path;
    }
}
