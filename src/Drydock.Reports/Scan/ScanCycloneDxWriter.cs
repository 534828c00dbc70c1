using System.Text.Json;
using Drydock.Advisories;
using Drydock.Advisories.Vex;
using Drydock.Images.Scan;
using Drydock.Reports.Sbom;

namespace Drydock.Reports.Scan;

/// <summary>
/// Writes a scan as a CycloneDX 1.6 SBOM (the SBOM writer's document) with a
/// <c>vulnerabilities</c> array (https://cyclonedx.org/docs/1.6/json/#vulnerabilities): one
/// entry per vulnerability and source package with the same fix and verdict, affecting the
/// components of every binary package built from it. The analysis records the distribution's
/// verdict, or the VEX statement that suppressed the finding.
/// </summary>
internal static class ScanCycloneDxWriter
{
    public static void Write(ScanDocument document, Utf8JsonWriter json)
    {
        var sbom = document.Sbom ?? throw new InvalidOperationException(
            "A CycloneDX scan report needs the image's SBOM; set ScanDocument.Sbom.");
        CycloneDxWriter.Write(sbom, json, references => WriteVulnerabilities(document, references, json));
    }

    private static void WriteVulnerabilities(ScanDocument document,
        IReadOnlyList<(string Purl, string Reference)> references, Utf8JsonWriter json)
    {
        var result = document.Result;
        var entries = result.Findings.Select(f => (Finding: f, Statement: (VexStatement?)null))
            .Concat(result.Suppressed.Select(s => (Finding: s.Finding, Statement: (VexStatement?)s.Statement)))
            .GroupBy(e => (e.Finding.Finding.Vulnerability, e.Finding.Finding.MatchedName,
                e.Finding.Finding.MatchedVersion, e.Finding.Finding.Verdict, e.Finding.Finding.FixedVersion,
                e.Statement))
            .OrderBy(g => g.Key.Vulnerability, StringComparer.Ordinal)
            .ThenBy(g => g.Key.MatchedName, StringComparer.Ordinal);

        json.WriteStartArray("vulnerabilities");
        var number = 0;
        foreach (var entry in entries)
        {
            var affected = entry.Select(e => e.Finding).ToList();
            WriteVulnerability(document, affected, entry.Key.Statement, references, ++number, json);
        }

        json.WriteEndArray();
    }

    private static void WriteVulnerability(ScanDocument document, List<ScanFinding> affected, VexStatement? vex,
        IReadOnlyList<(string Purl, string Reference)> references, int number, Utf8JsonWriter json)
    {
        var ns = document.Result.Namespace;
        var finding = affected[0].Finding;
        json.WriteStartObject();
        json.WriteString("bom-ref", $"vulnerability-{number}");
        json.WriteString("id", finding.Vulnerability);
        WriteSource(json, "source", ns, finding.Vulnerability);
        WriteReferences(json, ns, finding);
        json.WriteStartArray("ratings");
        json.WriteStartObject();
        WriteSource(json, "source", ns, finding.Vulnerability);
        json.WriteString("severity", Severity(finding.Severity));
        json.WriteString("method", "other");
        if (finding.Cvss is { } cvss)
        {
            json.WriteString("vector", cvss);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        if (finding.Advisories.Count > 0)
        {
            WriteAdvisories(json, ns, finding.Advisories);
        }

        if (finding.FixedVersion is { } fixedVersion)
        {
            json.WriteString("recommendation", $"Upgrade {finding.MatchedName} to {fixedVersion}.");
        }

        WriteAnalysis(json, finding, vex);
        WriteAffects(json, affected, references);
        WriteProperties(json, document.Result, affected[0]);
        json.WriteEndObject();
    }

    private static void WriteSource(Utf8JsonWriter json, string property, AdvisoryNamespace? ns, string id)
    {
        json.WriteStartObject(property);
        json.WriteString("name", VulnerabilityLinks.SourceName(ns));
        if (VulnerabilityLinks.Page(ns, id) is { } page)
        {
            json.WriteString("url", page);
        }

        json.WriteEndObject();
    }

    private static void WriteReferences(Utf8JsonWriter json, AdvisoryNamespace? ns, Finding finding)
    {
        if (finding.Aliases.Count == 0)
        {
            return;
        }

        json.WriteStartArray("references");
        foreach (var alias in finding.Aliases)
        {
            json.WriteStartObject();
            json.WriteString("id", alias);
            WriteSource(json, "source", ns, alias);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteAdvisories(Utf8JsonWriter json, AdvisoryNamespace? ns, IReadOnlyList<string> advisories)
    {
        // CycloneDX requires a URL for each advisory, so ids without a known page are left out.
        var linked = advisories.Select(id => (Id: id, Url: VulnerabilityLinks.Page(ns, id)))
            .Where(a => a.Url is not null)
            .ToList();
        if (linked.Count == 0)
        {
            return;
        }

        json.WriteStartArray("advisories");
        foreach (var (id, url) in linked)
        {
            json.WriteStartObject();
            json.WriteString("title", id);
            json.WriteString("url", url);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    // CycloneDX 1.6 impactAnalysisState: "exploitable" is the state for an affected component,
    // and the response states whether an update exists or the distribution will not fix it.
    private static void WriteAnalysis(Utf8JsonWriter json, Finding finding, VexStatement? vex)
    {
        json.WriteStartObject("analysis");
        if (vex is not null)
        {
            json.WriteString("state", vex.Status == VexStatus.Fixed ? "resolved" : "not_affected");
            if (Justification(vex.Justification) is { } justification)
            {
                json.WriteString("justification", justification);
            }

            json.WriteString("detail", $"Suppressed by VEX statement {vex.Location} of {vex.DocumentId}: "
                + ScanWriter.VexExplanation(vex));
            json.WriteEndObject();
            return;
        }

        json.WriteString("state", "exploitable");
        var response = finding.Verdict switch
        {
            Verdict.Fixable => "update",
            Verdict.WillNotFix or Verdict.Unimportant => "will_not_fix",
            _ => null,
        };
        if (response is not null)
        {
            json.WriteStartArray("response");
            json.WriteStringValue(response);
            json.WriteEndArray();
        }

        var detail = $"Distribution verdict: {ScanWriter.Name(finding.Verdict)}."
            + (finding.Reason is { } reason ? $" {reason}" : "");
        json.WriteString("detail", detail);
        json.WriteEndObject();
    }

    private static void WriteAffects(Utf8JsonWriter json, List<ScanFinding> affected,
        IReadOnlyList<(string Purl, string Reference)> references)
    {
        json.WriteStartArray("affects");
        foreach (var finding in affected.Where(f => f.PackageIndex is not null).DistinctBy(f => f.PackageIndex))
        {
            json.WriteStartObject();
            json.WriteString("ref", references[finding.PackageIndex!.Value].Reference);
            json.WriteStartArray("versions");
            json.WriteStartObject();
            json.WriteString("version", finding.Finding.Package.Version);
            json.WriteString("status", "affected");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteProperties(Utf8JsonWriter json, ScanResult result, ScanFinding scanFinding)
    {
        var finding = scanFinding.Finding;
        json.WriteStartArray("properties");
        WriteProperty(json, "drydock:verdict", ScanWriter.Name(finding.Verdict));
        WriteProperty(json, "drydock:source-name", finding.MatchedName);
        WriteProperty(json, "drydock:source-version", finding.MatchedVersion);
        WriteProperty(json, "drydock:fixed-version", finding.FixedVersion);
        WriteProperty(json, "drydock:distribution-severity", finding.DistributionSeverity);
        WriteProperty(json, "drydock:advisory-source", finding.Source);
        if (result.FromBase(scanFinding) is { } fromBase)
        {
            WriteProperty(json, "drydock:from-base", fromBase ? "true" : "false");
        }

        json.WriteEndArray();
    }

    private static void WriteProperty(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    // CycloneDX 1.6 severity: critical, high, medium, low, info, none, unknown.
    private static string Severity(Severity severity) => severity switch
    {
        Advisories.Severity.Critical => "critical",
        Advisories.Severity.High => "high",
        Advisories.Severity.Medium => "medium",
        Advisories.Severity.Low => "low",
        Advisories.Severity.Negligible => "info",
        _ => "unknown",
    };

    // OpenVEX 0.2.0 justifications mapped to the nearest CycloneDX 1.6 impactAnalysisJustification.
    private static string? Justification(string? openVex) => openVex switch
    {
        "component_not_present" or "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "protected_at_runtime",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        _ => null,
    };
}
