using System.Text.Json;
using Drydock.Advisories.Store;

namespace Drydock.Advisories.Import;

/// <summary>
/// Reads Red Hat CSAF 2.0 advisories and VEX documents
/// (https://docs.oasis-open.org/csaf/csaf/v2.0/csaf-v2.0.html). The product tree names each
/// product with a CPE; relationships place RPMs (<c>name-epoch:version-release.arch</c>) and
/// module streams in those products. Only Red Hat Enterprise Linux products are kept: the
/// CPE's release gives the namespace (<c>redhat:9</c>) and its product the stream (EUS, AUS,
/// E4S, TUS, ELS), so a fix for an extended-support stream never answers for the main one.
/// </summary>
internal static class RedHatCsafParser
{
    public static void Parse(JsonElement root, ImportSink sink)
    {
        var document = root.GetProperty("document");
        var tracking = document.GetProperty("tracking");
        var id = OsvParser.OptionalString(tracking, "id") ?? "";
        var published = OsvParser.OptionalString(tracking, "initial_release_date");
        sink.Date(OsvParser.OptionalString(tracking, "current_release_date") ?? published);
        var advisory = OsvParser.OptionalString(document, "category") == "csaf_vex" ? "" : id;
        var aggregate = document.TryGetProperty("aggregate_severity", out var severity)
            ? OsvParser.OptionalString(severity, "text")
            : null;

        var tree = ProductTree.Read(root.GetProperty("product_tree"));
        foreach (var ns in tree.Namespaces)
        {
            sink.Namespace(ns);
        }

        if (!root.TryGetProperty("vulnerabilities", out var vulnerabilities))
        {
            return;
        }

        foreach (var vulnerability in vulnerabilities.EnumerateArray())
        {
            if (OsvParser.OptionalString(vulnerability, "cve") is not { } cve)
            {
                continue;
            }

            var context = new VulnerabilityContext(cve, advisory, Impact(vulnerability) ?? aggregate, published);
            ParseStatuses(vulnerability, tree, context, sink);
        }
    }

    private static void ParseStatuses(
        JsonElement vulnerability, ProductTree tree, VulnerabilityContext context, ImportSink sink)
    {
        if (!vulnerability.TryGetProperty("product_status", out var statuses))
        {
            return;
        }

        var remediations = Remediations(vulnerability);
        // Each architecture's RPM is its own product; they state the same thing once stored.
        var written = new HashSet<AffectedRecord>();
        foreach (var group in statuses.EnumerateObject())
        {
            foreach (var productId in group.Value.EnumerateArray().Select(p => p.GetString()).OfType<string>())
            {
                if (tree.Resolve(productId) is not { } component)
                {
                    continue;
                }

                if (component.Package is null)
                {
                    sink.Malformed(context.Cve, $"The product '{productId}' names no RPM package.");
                    continue;
                }

                remediations.TryGetValue(productId, out var remediation);
                if (ToRecord(group.Name, component, remediation, context) is { } record && written.Add(record))
                {
                    sink.Add(record);
                }
            }
        }
    }

    private static AffectedRecord? ToRecord(
        string group, Component component, (string Category, string? Details) remediation, VulnerabilityContext context)
    {
        var record = new AffectedRecord
        {
            Namespace = component.Namespace,
            Package = component.Package!,
            Stream = component.Stream,
            Vulnerability = context.Cve,
            Advisory = context.Advisory,
            Status = AffectedStatus.Open,
            Severity = context.Severity,
            Published = context.Published,
        };
        return group switch
        {
            "fixed" when component.Evr is not null =>
                record with { Status = AffectedStatus.Fixed, FixedVersion = component.Evr },
            "fixed" => null,
            "known_not_affected" => record with { Status = AffectedStatus.NotAffected },
            "known_affected" when remediation.Category == "no_fix_planned" =>
                record with { Status = AffectedStatus.WillNotFix, Reason = remediation.Details ?? "no fix planned" },
            "known_affected" => record with { Reason = remediation.Details },
            "under_investigation" => record with { Reason = "under investigation" },
            _ => null,
        };
    }

    private static string? Impact(JsonElement vulnerability)
    {
        if (!vulnerability.TryGetProperty("threats", out var threats))
        {
            return null;
        }

        foreach (var threat in threats.EnumerateArray())
        {
            if (OsvParser.OptionalString(threat, "category") == "impact")
            {
                return OsvParser.OptionalString(threat, "details");
            }
        }

        return null;
    }

    private static Dictionary<string, (string Category, string? Details)> Remediations(JsonElement vulnerability)
    {
        var result = new Dictionary<string, (string, string?)>(StringComparer.Ordinal);
        if (!vulnerability.TryGetProperty("remediations", out var remediations))
        {
            return result;
        }

        foreach (var remediation in remediations.EnumerateArray())
        {
            var category = OsvParser.OptionalString(remediation, "category") ?? "";
            if (category == "workaround" || !remediation.TryGetProperty("product_ids", out var ids))
            {
                continue;
            }

            foreach (var id in ids.EnumerateArray().Select(p => p.GetString()).OfType<string>())
            {
                result[id] = (category, OsvParser.OptionalString(remediation, "details"));
            }
        }

        return result;
    }

    private sealed record VulnerabilityContext(string Cve, string Advisory, string? Severity, string? Published);
}
