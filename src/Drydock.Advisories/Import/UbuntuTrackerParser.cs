using System.Text.Json;
using Drydock.Advisories.Store;

namespace Drydock.Advisories.Import;

/// <summary>
/// Reads one CVE of the Ubuntu CVE tracker as JSON: candidate, priority, cvss and
/// packages → release → source package → status and note. The statuses are those of the
/// tracker's README (https://git.launchpad.net/ubuntu-cve-tracker/tree/README, 2024):
/// needs-triage, needed, deferred and pending are open; released carries the fixed version
/// in its note; ignored will not be fixed; not-affected; DNE means the release has no such
/// package. Fixes published only in an Ubuntu Pro pocket (<c>esm-infra/bionic</c>,
/// <c>esm-apps/bionic</c>, <c>trusty/esm</c>) are not installable on a standard image, so
/// they leave the finding open with the Pro fix named in the reason.
/// </summary>
internal static class UbuntuTrackerParser
{
    public static void Parse(JsonElement root, ImportSink sink)
    {
        var id = root.GetProperty("candidate").GetString()!;
        var published = OsvParser.OptionalString(root, "public_date");
        sink.Date(published);
        if (!root.TryGetProperty("packages", out var packages) || packages.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var priority = OsvParser.OptionalString(root, "priority");
        var cvss = FirstCvss(root);
        var pockets = packages.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        foreach (var release in Releases(pockets.Keys))
        {
            if (DistributionReleases.UbuntuNamespace(release) is not { } ns)
            {
                continue;
            }

            sink.Namespace(ns);
            var entries = pockets.GetValueOrDefault(release);
            foreach (var package in PackageNames(release, pockets))
            {
                var entry = default(JsonElement);
                var fromRelease = entries.ValueKind == JsonValueKind.Object
                    && entries.TryGetProperty(package, out entry);
                if (!fromRelease)
                {
                    entry = FindEntry(release, package, pockets);
                }

                var proFix = ProFix(release, package, pockets);
                var record = ToRecord(id, ns, package, entry, fromRelease, proFix, sink);
                if (record is not null)
                {
                    sink.Add(record with
                    {
                        Severity = OsvParser.OptionalString(entry, "priority") ?? priority,
                        Published = published,
                        Cvss = cvss,
                    });
                }
            }
        }
    }

    private static AffectedRecord? ToRecord(
        string id, AdvisoryNamespace ns, string package, JsonElement entry, bool fromRelease, string? proFix,
        ImportSink sink)
    {
        var status = OsvParser.OptionalString(entry, "status");
        var note = OsvParser.OptionalString(entry, "note")?.Trim();
        var record = new AffectedRecord
        {
            Namespace = ns,
            Package = package,
            Vulnerability = id,
            Status = AffectedStatus.Open,
            Reason = string.IsNullOrEmpty(note) ? null : note,
        };
        switch (status)
        {
            case "released" or "needs-triage" or "needed" or "deferred" or "pending" or "ignored"
                when proFix is not null && !(status == "released" && fromRelease):
                return record with { Reason = $"fixed only in Ubuntu Pro: {proFix}" };
            case "released" when !string.IsNullOrEmpty(note):
                return record with { Status = AffectedStatus.Fixed, FixedVersion = note, Reason = null };
            case "released":
                sink.Malformed(id, $"The package '{package}' in '{ns}' is released with no fixed version.");
                return null;
            case "not-affected":
                return record with { Status = AffectedStatus.NotAffected };
            case "DNE":
                return null;
            case "ignored":
                return record with { Status = AffectedStatus.WillNotFix };
            case "needs-triage" or "needed" or "deferred" or "pending":
                return record with { Reason = note is { Length: > 0 } ? $"{status}: {note}" : status };
            default:
                sink.Malformed(id, $"The status '{status}' of package '{package}' in '{ns}' is unknown.");
                return null;
        }
    }

    // The release's own entry, else the entry of an Ubuntu Pro pocket that lists the package
    // (esm-apps entries cover universe packages that the release entry may omit).
    private static JsonElement FindEntry(string release, string package, Dictionary<string, JsonElement> pockets)
    {
        foreach (var pocket in ProPockets(release).Prepend(release))
        {
            if (pockets.TryGetValue(pocket, out var entries)
                && entries.ValueKind == JsonValueKind.Object
                && entries.TryGetProperty(package, out var entry))
            {
                return entry;
            }
        }

        return default;
    }

    private static IEnumerable<string> PackageNames(string release, Dictionary<string, JsonElement> pockets)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pocket in ProPockets(release).Prepend(release))
        {
            if (pockets.TryGetValue(pocket, out var entries) && entries.ValueKind == JsonValueKind.Object)
            {
                names.UnionWith(entries.EnumerateObject().Select(p => p.Name));
            }
        }

        return names;
    }

    private static string? ProFix(string release, string package, Dictionary<string, JsonElement> pockets)
    {
        foreach (var pocket in ProPockets(release))
        {
            if (pockets.TryGetValue(pocket, out var entries)
                && entries.ValueKind == JsonValueKind.Object
                && entries.TryGetProperty(package, out var entry)
                && OsvParser.OptionalString(entry, "status") == "released")
            {
                var note = OsvParser.OptionalString(entry, "note")?.Trim();
                return string.IsNullOrEmpty(note) ? pocket : $"{pocket} {note}";
            }
        }

        return null;
    }

    // The releases a CVE speaks of, including those named only by an Ubuntu Pro pocket
    // (esm-infra/bionic, trusty/esm).
    private static SortedSet<string> Releases(IEnumerable<string> pockets)
    {
        var releases = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pocket in pockets)
        {
            var slash = pocket.IndexOf('/');
            if (slash < 0)
            {
                releases.Add(pocket);
            }
            else if (pocket.StartsWith("esm-", StringComparison.Ordinal))
            {
                releases.Add(pocket[(slash + 1)..]);
            }
            else if (pocket.EndsWith("/esm", StringComparison.Ordinal))
            {
                releases.Add(pocket[..slash]);
            }
        }

        return releases;
    }

    private static string[] ProPockets(string release) =>
        [$"esm-infra/{release}", $"esm-apps/{release}", $"{release}/esm", $"esm-infra-legacy/{release}"];

    private static string? FirstCvss(JsonElement root)
    {
        if (!root.TryGetProperty("cvss", out var cvss) || cvss.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var score in cvss.EnumerateObject())
        {
            if (score.Value.ValueKind == JsonValueKind.String)
            {
                return score.Value.GetString()!.Trim();
            }
        }

        return null;
    }
}
