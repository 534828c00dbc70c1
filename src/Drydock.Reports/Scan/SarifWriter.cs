using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Drydock.Advisories;
using Drydock.Images.Scan;

namespace Drydock.Reports.Scan;

/// <summary>
/// Writes a scan as SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/sarif-v2.1.0-os.html):
/// one rule per vulnerability id, one result per vulnerable package with the image as its
/// artifact location, and the verdict, fix and layer in the result's properties. Findings that
/// VEX statements suppressed stay in the log with an external, accepted suppression.
/// </summary>
internal static class SarifWriter
{
    private const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    public static void Write(ScanDocument document, Utf8JsonWriter json)
    {
        var result = document.Result;
        var findings = result.Findings.Select(f => (Finding: f, Suppression: (SuppressedFinding?)null))
            .Concat(result.Suppressed.Select(s => (Finding: s.Finding, Suppression: (SuppressedFinding?)s)))
            .ToList();
        var rules = findings.Select(f => f.Finding.Finding)
            .GroupBy(f => f.Vulnerability, StringComparer.Ordinal)
            .Select(group => group.MaxBy(f => f.Severity)!)
            .OrderBy(f => f.Vulnerability, StringComparer.Ordinal)
            .ToList();
        var ruleIndex = rules.Select((rule, i) => (rule.Vulnerability, i))
            .ToDictionary(pair => pair.Vulnerability, pair => pair.i, StringComparer.Ordinal);

        json.WriteStartObject();
        json.WriteString("$schema", Schema);
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();
        WriteTool(document, rules, json);
        WriteInvocation(result, json);
        WriteArtifact(document, json);
        json.WriteStartArray("results");
        foreach (var (finding, suppression) in findings)
        {
            WriteResult(document, finding, suppression, ruleIndex[finding.Finding.Vulnerability], json);
        }

        json.WriteEndArray();
        WriteRunProperties(document, json);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTool(ScanDocument document, List<Finding> rules, Utf8JsonWriter json)
    {
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "drydock");
        json.WriteString("version", document.ToolVersion);
        json.WriteString("semanticVersion", document.ToolVersion);
        // NOTE: no informationUri, because the project publishes no home page yet; the SARIF
        // validator warns about its absence.
        json.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            WriteRule(document, rule, json);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteRule(ScanDocument document, Finding finding, Utf8JsonWriter json)
    {
        var ns = document.Result.Namespace;
        var summary = $"{finding.Vulnerability} in {finding.MatchedName}";
        json.WriteStartObject();
        json.WriteString("id", finding.Vulnerability);
        json.WriteString("name", "OsPackageVulnerability");
        json.WriteStartObject("shortDescription");
        json.WriteString("text", summary);
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.WriteString("text", $"{summary}, rated {finding.DistributionSeverity ?? "unrated"} by "
            + $"{VulnerabilityLinks.SourceName(ns)}.");
        json.WriteEndObject();
        if (VulnerabilityLinks.Page(ns, finding.Vulnerability) is { } page)
        {
            json.WriteString("helpUri", page);
        }

        json.WriteStartObject("help");
        json.WriteString("text", HelpText(ns, finding));
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(finding.Severity));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        json.WriteStringValue("vulnerability");
        json.WriteStringValue("security");
        json.WriteStringValue(ScanWriter.Name(finding.Severity));
        json.WriteEndArray();
        json.WriteString("security-severity", SecuritySeverity(finding.Severity));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string HelpText(Advisories.AdvisoryNamespace? ns, Finding finding)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Vulnerability {finding.Vulnerability} of {finding.MatchedName}.");
        if (finding.Advisories.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Advisories: {string.Join(", ", finding.Advisories)}.");
        }

        if (VulnerabilityLinks.Page(ns, finding.Vulnerability) is { } page)
        {
            text.Append(CultureInfo.InvariantCulture, $" Details: {page}");
        }

        return text.ToString();
    }

    private static void WriteResult(ScanDocument document, ScanFinding scanFinding, SuppressedFinding? suppression,
        int ruleIndex, Utf8JsonWriter json)
    {
        var finding = scanFinding.Finding;
        json.WriteStartObject();
        json.WriteString("ruleId", finding.Vulnerability);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(finding.Severity));
        json.WriteStartObject("message");
        json.WriteString("text", Message(finding));
        json.WriteEndObject();
        WriteLocations(document, scanFinding, json);
        json.WriteStartObject("partialFingerprints");
        json.WriteString("drydockFinding/v1", Fingerprint(document, finding));
        json.WriteEndObject();
        if (suppression is not null)
        {
            json.WriteStartArray("suppressions");
            json.WriteStartObject();
            json.WriteString("kind", "external");
            json.WriteString("status", "accepted");
            json.WriteString("justification", ScanWriter.VexExplanation(suppression.Statement));
            json.WriteEndObject();
            json.WriteEndArray();
        }

        WriteResultProperties(document, scanFinding, json);
        json.WriteEndObject();
    }

    private static string Message(Finding finding)
    {
        var package = finding.MatchedName == finding.Package.Name && finding.MatchedVersion == finding.Package.Version
            ? $"{finding.Package.Name} {finding.Package.Version}"
            : $"{finding.Package.Name} {finding.Package.Version} (source {finding.MatchedName} {finding.MatchedVersion})";
        var outcome = finding.Verdict == Verdict.Fixable
            ? $"fixed in {finding.FixedVersion}"
            : ScanWriter.Name(finding.Verdict) + (finding.Reason is { } reason ? $": {reason}" : "");
        return $"Package {package} is affected by {finding.Vulnerability} "
            + $"({finding.DistributionSeverity ?? ScanWriter.Name(finding.Severity)}); {outcome}.";
    }

    // Code-scanning services place every result on a line of a file, so the image is the
    // artifact and line 1 its only region. The package is the logical location inside it.
    private static void WriteLocations(ScanDocument document, ScanFinding finding, Utf8JsonWriter json)
    {
        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", ImageUri(document.Image));
        json.WriteNumber("index", 0);
        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", 1);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("logicalLocations");
        json.WriteStartObject();
        json.WriteString("name", finding.Finding.Package.Name);
        json.WriteString("fullyQualifiedName", $"{finding.Finding.Package.Name}@{finding.Finding.Package.Version}");
        json.WriteString("kind", "module");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteResultProperties(ScanDocument document, ScanFinding scanFinding, Utf8JsonWriter json)
    {
        var finding = scanFinding.Finding;
        json.WriteStartObject("properties");
        json.WriteString("verdict", ScanWriter.Name(finding.Verdict));
        json.WriteBoolean("fixable", finding.Verdict == Verdict.Fixable);
        json.WriteString("severity", ScanWriter.Name(finding.Severity));
        WriteIfPresent(json, "distributionSeverity", finding.DistributionSeverity);
        json.WriteString("package", finding.Package.Name);
        json.WriteString("installedVersion", finding.Package.Version);
        json.WriteString("sourceName", finding.MatchedName);
        json.WriteString("sourceVersion", finding.MatchedVersion);
        WriteIfPresent(json, "fixedVersion", finding.FixedVersion);
        WriteIfPresent(json, "reason", finding.Reason);
        json.WriteStartArray("advisories");
        foreach (var advisory in finding.Advisories)
        {
            json.WriteStringValue(advisory);
        }

        json.WriteEndArray();
        json.WriteNumber("layerIndex", scanFinding.LayerIndex);
        WriteIfPresent(json, "layerDiffId", scanFinding.LayerDiffId?.ToString());
        if (document.Result.FromBase(scanFinding) is { } fromBase)
        {
            json.WriteBoolean("fromBase", fromBase);
        }

        json.WriteEndObject();
    }

    private static void WriteInvocation(ScanResult result, Utf8JsonWriter json)
    {
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", true);
        json.WriteStartArray("toolExecutionNotifications");
        foreach (var warning in result.Warnings)
        {
            json.WriteStartObject();
            json.WriteString("level", "warning");
            json.WriteStartObject("message");
            json.WriteString("text", warning);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteArtifact(ScanDocument document, Utf8JsonWriter json)
    {
        json.WriteStartArray("artifacts");
        json.WriteStartObject();
        json.WriteStartObject("location");
        json.WriteString("uri", ImageUri(document.Image));
        json.WriteEndObject();
        json.WriteStartArray("roles");
        json.WriteStringValue("analysisTarget");
        json.WriteEndArray();
        if (document.ManifestDigest is { Algorithm: "sha256" } digest)
        {
            json.WriteStartObject("hashes");
            json.WriteString("sha-256", digest.Hex);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteRunProperties(ScanDocument document, Utf8JsonWriter json)
    {
        var result = document.Result;
        json.WriteStartObject("properties");
        json.WriteString("image", document.Image);
        WriteIfPresent(json, "manifestDigest", document.ManifestDigest?.ToString());
        WriteIfPresent(json, "namespace", result.Namespace?.ToString());
        json.WriteBoolean("hasData", result.HasData);
        json.WriteBoolean("endOfLife", result.EndOfLife);
        json.WriteNumber("packages", result.PackageCount);
        json.WriteNumber("filtered", result.Filtered);
        json.WriteNumber("suppressed", result.Suppressed.Count);
        if (result.Base is { } baseImage)
        {
            json.WriteNumber("baseLayers", baseImage.LayerCount);
        }

        json.WriteEndObject();
    }

    // SARIF 2.1.0 section 3.27.10: error for a serious problem, warning, note for a minor one.
    internal static string Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    // GitHub code scanning reads "security-severity" as a score: over 9.0 is critical, 7.0 to 8.9
    // high, 4.0 to 6.9 medium, 3.9 or less low (its "SARIF support for code scanning" page).
    // Debian and Alpine give no score, so the distribution's rating is mapped into those bands.
    private static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "2.0",
        Severity.Negligible => "0.5",
        _ => "0.0",
    };

    // The same vulnerability in the same package version of the same image keeps its
    // fingerprint across runs, so a dashboard tracks one alert instead of a new one per scan.
    private static string Fingerprint(ScanDocument document, Finding finding)
    {
        var key = $"{document.Image}\n{finding.Vulnerability}\n{finding.Package.Name}\n{finding.Package.Version}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
    }

    /// <summary>
    /// Makes an RFC 3986 URI reference of an image location: characters outside the URI set are
    /// percent-encoded, and a location whose text before the first ':' is not a valid scheme
    /// (<c>localhost:5000/app</c> is, <c>reg_1:5000/app</c> is not) gets a leading <c>./</c>.
    /// </summary>
    internal static string ImageUri(string image)
    {
        var text = new StringBuilder(image.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(image))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-._~:/@!$&'()*+,;=".Contains(c, StringComparison.Ordinal))
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        var uri = text.ToString();
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var slash = uri.IndexOf('/', StringComparison.Ordinal);
        var hasColonInFirstSegment = colon >= 0 && (slash < 0 || colon < slash);
        return hasColonInFirstSegment && !IsScheme(uri[..colon]) ? "./" + uri : uri;
    }

    private static bool IsScheme(string text) =>
        text.Length > 0 && char.IsAsciiLetter(text[0])
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
