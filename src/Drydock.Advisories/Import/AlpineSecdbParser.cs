using System.Text.Json;
using System.Text.RegularExpressions;
using Drydock.Advisories.Store;

namespace Drydock.Advisories.Import;

/// <summary>
/// Reads an Alpine secdb file (https://secdb.alpinelinux.org/v3.18/main.json): per release and
/// repository, each origin package's <c>secfixes</c> map from the fixing version to the ids it
/// fixes. Secdb lists fixes only, so an Alpine finding from it is never "open". A fixing
/// version of "0" states that the release's package was never affected (the aports
/// APKBUILD <c># secfixes:</c> convention).
/// </summary>
internal static partial class AlpineSecdbParser
{
    public static void Parse(JsonElement root, ImportSink sink)
    {
        var distroversion = OsvParser.OptionalString(root, "distroversion") ?? "";
        if (!AdvisoryNamespace.TryParse($"alpine:{distroversion.TrimStart('v')}", out var ns))
        {
            sink.Malformed(distroversion, $"The distroversion '{distroversion}' is not an Alpine release.");
            return;
        }

        sink.Namespace(ns);
        foreach (var entry in root.GetProperty("packages").EnumerateArray())
        {
            var package = entry.GetProperty("pkg");
            var name = package.GetProperty("name").GetString()!;
            if (!package.TryGetProperty("secfixes", out var secfixes) || secfixes.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var fix in secfixes.EnumerateObject())
            {
                if (fix.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var line in fix.Value.EnumerateArray())
                {
                    AddFix(sink, ns, name, fix.Name, line.GetString() ?? "");
                }
            }
        }
    }

    private static void AddFix(ImportSink sink, AdvisoryNamespace ns, string package, string version, string line)
    {
        // A line names one issue, often with other ids of it: "CVE-2017-15597 XSA-236".
        var ids = IdPattern().Matches(line).Select(match => match.Value).ToList();
        if (ids.Count == 0)
        {
            sink.Malformed(line, $"The secfixes line '{line}' of package '{package}' in '{ns}' names no id.");
            return;
        }

        var primary = ids.FirstOrDefault(id => id.StartsWith("CVE-", StringComparison.Ordinal)) ?? ids[0];
        var aliases = ids.Where(id => id != primary).ToList();
        sink.Add(new AffectedRecord
        {
            Namespace = ns,
            Package = package,
            Vulnerability = primary,
            Aliases = aliases.Count > 0 ? string.Join(' ', aliases) : null,
            Status = version == "0" ? AffectedStatus.NotAffected : AffectedStatus.Fixed,
            FixedVersion = version == "0" ? null : version,
        });
    }

    [GeneratedRegex(@"\b(?:CVE-\d{4}-\d{4,}|[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*-\d[A-Za-z0-9-]*)\b")]
    private static partial Regex IdPattern();
}
