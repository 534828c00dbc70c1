using System.Text.Json;
using Drydock.Advisories.Store;

namespace Drydock.Advisories.Import;

/// <summary>
/// Reads the Debian security tracker's JSON (https://security-tracker.debian.org/tracker/data/json):
/// source package → issue id → releases → codename → status, fixed_version, urgency, nodsa,
/// nodsa_reason. Statuses and urgencies are those of the tracker's own pages: a "resolved"
/// release with fixed_version "0" was never affected; "end-of-life" means the package lost
/// security support in that release; a "nodsa" value marks an issue the team will not fix
/// in a DSA.
/// </summary>
internal static class DebianTrackerParser
{
    public static void Parse(JsonElement root, ImportSink sink)
    {
        foreach (var package in root.EnumerateObject())
        {
            if (package.Value.ValueKind != JsonValueKind.Object)
            {
                sink.Malformed(package.Name, "The package entry is not a JSON object.");
                continue;
            }

            foreach (var issue in package.Value.EnumerateObject())
            {
                ParseIssue(package.Name, issue.Name, issue.Value, sink);
            }
        }
    }

    private static void ParseIssue(string package, string id, JsonElement issue, ImportSink sink)
    {
        if (issue.ValueKind != JsonValueKind.Object
            || !issue.TryGetProperty("releases", out var releases)
            || releases.ValueKind != JsonValueKind.Object)
        {
            sink.Malformed(id, $"The entry of package '{package}' has no 'releases' object.");
            return;
        }

        foreach (var release in releases.EnumerateObject())
        {
            if (DistributionReleases.DebianNamespace(release.Name) is not { } ns)
            {
                continue;
            }

            sink.Namespace(ns);
            if (ToRecord(package, id, ns, release.Value, sink) is { } record)
            {
                sink.Add(record);
            }
        }
    }

    private static AffectedRecord? ToRecord(
        string package, string id, AdvisoryNamespace ns, JsonElement release, ImportSink sink)
    {
        var status = OsvParser.OptionalString(release, "status");
        var urgency = OsvParser.OptionalString(release, "urgency");
        var fixedVersion = OsvParser.OptionalString(release, "fixed_version");
        var record = new AffectedRecord
        {
            Namespace = ns,
            Package = package,
            Vulnerability = id,
            Status = AffectedStatus.Open,
            Severity = urgency,
        };
        switch (status)
        {
            case "resolved" when fixedVersion == "0":
                return record with { Status = AffectedStatus.NotAffected };
            case "resolved" when fixedVersion is not null:
                return record with { Status = AffectedStatus.Fixed, FixedVersion = fixedVersion };
            case "open" or "undetermined":
                return OpenRecord(record, release, status);
            default:
                sink.Malformed(id, $"The status '{status}' of package '{package}' in '{ns}' is unknown "
                    + "or has no fixed version.");
                return null;
        }
    }

    private static AffectedRecord OpenRecord(AffectedRecord record, JsonElement release, string status)
    {
        if (record.Severity == "end-of-life")
        {
            return record with
            {
                Status = AffectedStatus.WillNotFix,
                Reason = "end-of-life: the package is no longer supported in this release",
            };
        }

        if (record.Severity == "unimportant")
        {
            return record with { Status = AffectedStatus.Unimportant };
        }

        if (OsvParser.OptionalString(release, "nodsa") is { } nodsa)
        {
            var reason = OsvParser.OptionalString(release, "nodsa_reason");
            var text = string.IsNullOrEmpty(reason) ? $"no DSA: {nodsa}" : $"no DSA ({reason}): {nodsa}";
            return record with { Status = AffectedStatus.WillNotFix, Reason = text.TrimEnd(' ', ':') };
        }

        return status == "undetermined" ? record with { Reason = "undetermined" } : record;
    }
}
