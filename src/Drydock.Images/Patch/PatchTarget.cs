using System.Text.Json;
using Drydock.Advisories;
using Drydock.Images.Scan;
using Drydock.Packages.Versions;

namespace Drydock.Images.Patch;

/// <summary>
/// A vulnerability a patch should fix: the installed binary package that has it and the
/// version that fixes it. For Debian the fixed version is the source package's, as the security
/// tracker gives it.
/// </summary>
public sealed record PatchTarget(string Package, string Vulnerability, DebianVersion FixedVersion);

/// <summary>A target the patch did not reach, with the version it could reach, if any.</summary>
public sealed record UnreachedTarget(PatchTarget Target, DebianVersion? Reached, string Reason);

/// <summary>Reads patch targets from a scan, or from a Drydock scan or Trivy JSON report.</summary>
public static class PatchTargets
{
    /// <summary>The largest report read; a Trivy report of a large image is a few megabytes.</summary>
    private const long MaxReportSize = 256L * 1024 * 1024;

    /// <summary>Returns the fixable findings of a scan as targets.</summary>
    public static IReadOnlyList<PatchTarget> FromScan(ScanResult scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        return [.. scan.Findings
            .Where(f => f.Finding.Verdict == Verdict.Fixable && f.Finding.FixedVersion is not null)
            .Select(f => new PatchTarget(
                f.Finding.Package.Name, f.Finding.Vulnerability, DebianVersion.Parse(f.Finding.FixedVersion!)))];
    }

    /// <summary>
    /// Reads the fixable findings of a report file: Drydock's scan JSON (a <c>findings</c>
    /// array) or Trivy's JSON (a <c>Results</c> array of <c>Vulnerabilities</c>).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is neither, or a finding is malformed.</exception>
    public static IReadOnlyList<PatchTarget> ReadReport(string path)
    {
        if (new FileInfo(path).Length > MaxReportSize)
        {
            throw new InvalidDataException($"The report '{path}' is larger than {MaxReportSize} bytes.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The report '{path}' is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("findings", out var findings))
            {
                return ReadFindings(findings, path, "package", "vulnerability", "fixedVersion");
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Results", out var results)
                && results.ValueKind == JsonValueKind.Array)
            {
                return [.. results.EnumerateArray()
                    .Where(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("Vulnerabilities", out _))
                    .SelectMany(r => ReadFindings(
                        r.GetProperty("Vulnerabilities"), path, "PkgName", "VulnerabilityID", "FixedVersion"))];
            }
        }

        throw new InvalidDataException(
            $"The report '{path}' is neither a drydock scan JSON report (with 'findings') nor a Trivy "
            + "JSON report (with 'Results'). Write it with 'drydock scan --format json' or 'trivy image -f json'.");
    }

    private static List<PatchTarget> ReadFindings(
        JsonElement findings, string path, string packageField, string idField, string fixedField)
    {
        if (findings.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"The findings of the report '{path}' are not a JSON array.");
        }

        var targets = new List<PatchTarget>();
        var index = 0;
        foreach (var finding in findings.EnumerateArray())
        {
            var package = Text(finding, packageField, path, index);
            var id = Text(finding, idField, path, index);

            // Trivy leaves the fixed version empty, or lists several separated by ", ", one per
            // branch; the lowest is the one this release can reach.
            var fixedText = finding.ValueKind == JsonValueKind.Object
                && finding.TryGetProperty(fixedField, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()! : "";
            var versions = fixedText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (versions.Length > 0)
            {
                targets.Add(new PatchTarget(package, id, versions.Select(v => Version(v, path, index)).Min()));
            }

            index++;
        }

        return targets;
    }

    private static string Text(JsonElement finding, string field, string path, int index) =>
        finding.ValueKind == JsonValueKind.Object && finding.TryGetProperty(field, out var value)
            && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidDataException(
                $"Finding {index} of the report '{path}' has no '{field}' string. Check that the report is complete.");

    private static DebianVersion Version(string text, string path, int index) =>
        DebianVersion.TryParse(text, out var version)
            ? version
            : throw new InvalidDataException(
                $"Finding {index} of the report '{path}' has the fixed version '{text}', which is not a Debian version.");
}
