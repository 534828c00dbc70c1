using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Drydock.Advisories;
using Drydock.Images.Scan;

namespace Drydock.Reports.Scan;

/// <summary>Writes a scan as a table grouped by package or as the JSON documented in docs/scan-json.md.</summary>
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
            WriteJson(document, json);
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
            WriteFinding(json, finding);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter json, ScanFinding scanFinding)
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
        json.WriteEndObject();
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
