using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Drydock.Advisories;
using Drydock.Advisories.Vex;
using Drydock.Images.Scan;

namespace Drydock.Reports.Scan;

/// <summary>
/// Writes a scan as a table grouped by package, as the JSON documented in docs/scan-json.md,
/// as SARIF 2.1.0 or as a CycloneDX 1.6 SBOM with vulnerabilities.
/// </summary>
public static class ScanWriter
{
    private static readonly JsonWriterOptions _jsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string WriteToString(ScanDocument document, ScanFormat format)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (format == ScanFormat.Table)
        {
            return ScanTableWriter.Write(document);
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, _jsonOptions))
        {
            switch (format)
            {
                case ScanFormat.Sarif:
                    SarifWriter.Write(document, json);
                    break;
                case ScanFormat.CycloneDx:
                    ScanCycloneDxWriter.Write(document, json);
                    break;
                default:
                    WriteJson(document, json);
                    break;
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteJson(ScanDocument document, Utf8JsonWriter json)
    {
        var result = document.Result;
        json.WriteStartObject();
        json.WriteString("image", document.Image);
        WriteOptional(json, "manifestDigest", document.ManifestDigest?.ToString());
        WriteOptional(json, "namespace", result.Namespace?.ToString());
        WriteOptional(json, "distribution", result.Distro?.PrettyName);
        json.WriteBoolean("hasData", result.HasData);
        json.WriteBoolean("endOfLife", result.EndOfLife);
        WriteOptional(json, "supportEnd", result.SupportEnd?.ToString("yyyy-MM-dd", null));
        json.WriteNumber("packages", result.PackageCount);
        json.WriteNumber("filtered", result.Filtered);
        json.WriteNumber("suppressed", result.Suppressed.Count);
        WriteBase(result, json);
        json.WriteStartArray("warnings");
        foreach (var warning in result.Warnings)
        {
            json.WriteStringValue(warning);
        }

        json.WriteEndArray();
        json.WriteStartObject("summary");
        foreach (var (severity, count) in Summary(result))
        {
            json.WriteNumber(Name(severity), count);
        }

        json.WriteEndObject();
        json.WriteStartArray("findings");
        foreach (var finding in result.Findings)
        {
            WriteFinding(json, result, finding);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("suppressedFindings");
        foreach (var suppressed in result.Suppressed)
        {
            WriteFinding(json, result, suppressed.Finding);
            WriteVex(json, suppressed.Statement);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteBase(ScanResult result, Utf8JsonWriter json)
    {
        if (result.Base is not { } baseImage)
        {
            json.WriteNull("base");
            return;
        }

        json.WriteStartObject("base");
        json.WriteString("origin", baseImage.Origin);
        WriteOptional(json, "name", baseImage.Name);
        WriteOptional(json, "manifestDigest", baseImage.ManifestDigest?.ToString());
        json.WriteNumber("layers", baseImage.LayerCount);
        json.WriteNumber("baseFindings", result.Findings.Count(f => result.FromBase(f) == true));
        json.WriteNumber("applicationFindings", result.Findings.Count(f => result.FromBase(f) == false));
        json.WriteEndObject();
    }

    private static void WriteVex(Utf8JsonWriter json, VexStatement statement)
    {
        json.WriteStartObject("vex");
        json.WriteString("status", statement.Status == VexStatus.Fixed ? "fixed" : "not_affected");
        WriteOptional(json, "justification", statement.Justification);
        WriteOptional(json, "statement", statement.Statement);
        json.WriteString("document", statement.DocumentId);
        json.WriteString("location", statement.Location);
        json.WriteEndObject();
    }

    // The object is left open so that suppressed findings can add their VEX statement.
    private static void WriteFinding(Utf8JsonWriter json, ScanResult result, ScanFinding scanFinding)
    {
        var finding = scanFinding.Finding;
        json.WriteStartObject();
        json.WriteString("vulnerability", finding.Vulnerability);
        WriteList(json, "advisories", finding.Advisories);
        WriteList(json, "aliases", finding.Aliases);
        json.WriteString("package", finding.Package.Name);
        json.WriteString("installedVersion", finding.Package.Version);
        json.WriteString("sourceName", finding.MatchedName);
        json.WriteString("sourceVersion", finding.MatchedVersion);
        WriteOptional(json, "fixedVersion", finding.FixedVersion);
        json.WriteString("verdict", Name(finding.Verdict));
        json.WriteString("severity", Name(finding.Severity));
        WriteOptional(json, "distributionSeverity", finding.DistributionSeverity);
        WriteOptional(json, "reason", finding.Reason);
        WriteOptional(json, "cvss", finding.Cvss);
        json.WriteNumber("layerIndex", scanFinding.LayerIndex);
        WriteOptional(json, "layerDiffId", scanFinding.LayerDiffId?.ToString());
        if (result.FromBase(scanFinding) is { } fromBase)
        {
            json.WriteBoolean("fromBase", fromBase);
        }
        else
        {
            json.WriteNull("fromBase");
        }
    }

    /// <summary>The statement's status, justification and text in one line, for tables and SARIF.</summary>
    internal static string VexExplanation(VexStatement statement)
    {
        var status = statement.Status == VexStatus.Fixed ? "fixed" : "not_affected";
        var text = statement.Justification is { } justification ? $"{status}: {justification}" : status;
        return statement.Statement is { } note ? $"{text} ({note})" : text;
    }

    /// <summary>Counts the findings of each severity, most severe first.</summary>
    internal static IEnumerable<(Severity Severity, int Count)> Summary(ScanResult result) =>
        Enum.GetValues<Severity>().Reverse()
            .Select(s => (s, result.Findings.Count(f => f.Finding.Severity == s)));

    /// <summary>The lower-case, hyphenated name used in reports: <c>will-not-fix</c>.</summary>
    internal static string Name<T>(T value)
        where T : struct, Enum
    {
        var text = value.ToString();
        var builder = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i]))
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(text[i]));
        }

        return builder.ToString();
    }

    private static void WriteList(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
