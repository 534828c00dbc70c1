using System.Text.Json;
using Drydock.Advisories.Store;

namespace Drydock.Advisories.Import;

/// <summary>
/// Reads OSV records (schema 1.6, https://ossf.github.io/osv-schema/ at v1.6.0) of the Debian,
/// Alpine and Ubuntu ecosystems. An advisory record (DSA, DLA, DTSA, USN) becomes one row per
/// CVE it fixes with the advisory's id beside it, so findings merge per CVE.
/// </summary>
internal static class OsvParser
{
    private static readonly string[] s_advisoryPrefixes = ["DSA-", "DLA-", "DTSA-", "USN-"];

    private static readonly string[] s_distributionPrefixes = ["DEBIAN-", "ALPINE-", "UBUNTU-"];

    public static void Parse(JsonElement root, ImportSink sink, DistributionFamily family)
    {
        var id = root.GetProperty("id").GetString()!;
        if (root.TryGetProperty("withdrawn", out _) || !root.TryGetProperty("affected", out var affected))
        {
            return;
        }

        var published = OptionalString(root, "published");
        sink.Date(published);
        var (vulnerabilities, advisory) = Identify(id, root);
        var aliases = advisory.Length == 0 ? JoinIds(root, "aliases") : null;
        var cvss = FirstCvss(root);
        foreach (var entry in affected.EnumerateArray())
        {
            if (!entry.TryGetProperty("package", out var package)
                || OptionalString(package, "ecosystem") is not { } ecosystem
                || OptionalString(package, "name") is not { } name
                || ParseEcosystem(ecosystem) is not { } ns
                || ns.Family != family)
            {
                continue;
            }

            sink.Namespace(ns);
            var template = new AffectedRecord
            {
                Namespace = ns,
                Package = name,
                Vulnerability = "",
                Advisory = advisory,
                Aliases = aliases,
                Status = AffectedStatus.Open,
                Severity = Urgency(entry),
                Published = published,
                Cvss = cvss,
            };
            foreach (var range in Ranges(entry, id, sink))
            {
                foreach (var vulnerability in vulnerabilities)
                {
                    sink.Add(Complete(template, range) with { Vulnerability = vulnerability });
                }
            }
        }
    }

    /// <summary>Guesses the distribution of an OSV record from its id, else its first ecosystem.</summary>
    public static DistributionFamily GuessFamily(JsonElement root)
    {
        var id = OptionalString(root, "id") ?? "";
        if (id.StartsWith("DSA-", StringComparison.Ordinal) || id.StartsWith("DLA-", StringComparison.Ordinal)
            || id.StartsWith("DTSA-", StringComparison.Ordinal) || id.StartsWith("DEBIAN-", StringComparison.Ordinal))
        {
            return DistributionFamily.Debian;
        }

        if (id.StartsWith("ALPINE-", StringComparison.Ordinal))
        {
            return DistributionFamily.Alpine;
        }

        if (id.StartsWith("USN-", StringComparison.Ordinal) || id.StartsWith("UBUNTU-", StringComparison.Ordinal))
        {
            return DistributionFamily.Ubuntu;
        }

        if (root.TryGetProperty("affected", out var affected) && affected.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in affected.EnumerateArray())
            {
                if (entry.TryGetProperty("package", out var package)
                    && ParseEcosystem(OptionalString(package, "ecosystem") ?? "") is { } ns)
                {
                    return ns.Family;
                }
            }
        }

        return DistributionFamily.Other;
    }

    /// <summary>
    /// Maps an OSV ecosystem to a namespace: <c>Debian:12</c>, <c>Alpine:v3.18</c>,
    /// <c>Ubuntu:22.04:LTS</c>. Ubuntu Pro ecosystems (<c>Ubuntu:Pro:18.04:LTS</c>) map to
    /// nothing, because their fixes need an Ubuntu Pro subscription a standard image lacks.
    /// </summary>
    public static AdvisoryNamespace? ParseEcosystem(string ecosystem)
    {
        var parts = ecosystem.Split(':');
        if (parts.Length < 2)
        {
            return null;
        }

        // Debian's releases before 7 were numbered 4.0, 5.0 and 6.0; their images say 4, 5 and 6.
        var release = parts[0] == "Debian" && parts[1].EndsWith(".0", StringComparison.Ordinal)
            ? parts[1][..^2]
            : parts[1];
        return parts[0] switch
        {
            "Debian" => AdvisoryNamespace.TryParse($"debian:{release}", out var debian) ? debian : null,
            "Alpine" => AdvisoryNamespace.TryParse($"alpine:{release.TrimStart('v')}", out var alpine) ? alpine : null,
            "Ubuntu" when release != "Pro" =>
                AdvisoryNamespace.TryParse($"ubuntu:{release}", out var ubuntu) ? ubuntu : null,
            _ => null,
        };
    }

    private static (string[] Vulnerabilities, string Advisory) Identify(string id, JsonElement root)
    {
        if (!s_advisoryPrefixes.Any(prefix => id.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return ([StripDistributionPrefix(id)], "");
        }

        var cves = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "related", "aliases", "upstream" })
        {
            if (root.TryGetProperty(field, out var ids) && ids.ValueKind == JsonValueKind.Array)
            {
                foreach (var value in ids.EnumerateArray())
                {
                    var text = StripDistributionPrefix(value.GetString() ?? "");
                    if (text.StartsWith("CVE-", StringComparison.Ordinal))
                    {
                        cves.Add(text);
                    }
                }
            }
        }

        return (cves.Count > 0 ? [.. cves] : [id], id);
    }

    private static string StripDistributionPrefix(string id)
    {
        foreach (var prefix in s_distributionPrefixes)
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal)
                && id.AsSpan(prefix.Length).StartsWith("CVE-", StringComparison.Ordinal))
            {
                return id[prefix.Length..];
            }
        }

        return id;
    }

    private static IEnumerable<(string? Introduced, string? Fixed)> Ranges(JsonElement entry, string id, ImportSink sink)
    {
        if (!entry.TryGetProperty("ranges", out var ranges))
        {
            yield break;
        }

        foreach (var range in ranges.EnumerateArray())
        {
            if (OptionalString(range, "type") != "ECOSYSTEM" || !range.TryGetProperty("events", out var events))
            {
                continue;
            }

            string? introduced = null;
            var open = false;
            foreach (var ev in events.EnumerateArray())
            {
                if (OptionalString(ev, "introduced") is { } start)
                {
                    if (open)
                    {
                        yield return (introduced, null);
                    }

                    introduced = start == "0" ? null : start;
                    open = true;
                }
                else if (OptionalString(ev, "fixed") is { } fixedVersion)
                {
                    yield return (introduced, fixedVersion);
                    open = false;
                }
                else
                {
                    // NOTE: last_affected and limit events are not read; Debian and Alpine exports
                    // do not use them, so such a record is reported instead of guessed at.
                    sink.Malformed(id, $"The range event '{ev.GetRawText()}' is not supported.");
                    open = false;
                }
            }

            if (open)
            {
                yield return (introduced, null);
            }
        }
    }

    private static AffectedRecord Complete(AffectedRecord template, (string? Introduced, string? Fixed) range)
    {
        if (range.Fixed is not null)
        {
            return template with { Status = AffectedStatus.Fixed, Introduced = range.Introduced, FixedVersion = range.Fixed };
        }

        var (status, reason) = template.Severity switch
        {
            "unimportant" => (AffectedStatus.Unimportant, (string?)null),
            "end-of-life" => (AffectedStatus.WillNotFix, "end-of-life: the package is no longer supported in this release"),
            _ => (AffectedStatus.Open, null),
        };
        return template with { Status = status, Reason = reason, Introduced = range.Introduced };
    }

    private static string? Urgency(JsonElement entry) =>
        entry.TryGetProperty("ecosystem_specific", out var specific) && specific.ValueKind == JsonValueKind.Object
            ? OptionalString(specific, "urgency")
            : null;

    private static string? FirstCvss(JsonElement root)
    {
        if (!root.TryGetProperty("severity", out var severities) || severities.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var severity in severities.EnumerateArray())
        {
            if (OptionalString(severity, "score") is { } score)
            {
                return score;
            }
        }

        return null;
    }

    private static string? JoinIds(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() == 0)
        {
            return null;
        }

        return string.Join(' ', ids.EnumerateArray().Select(value => value.GetString()).OfType<string>());
    }

    internal static string? OptionalString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
