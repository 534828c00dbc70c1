using Drydock.Advisories.Store;
using Microsoft.Data.Sqlite;

namespace Drydock.Advisories.Matching;

/// <summary>
/// Matches installed packages against the store with the distribution's own rules: Debian
/// and Ubuntu by source package and source version, Alpine by origin, Red Hat by binary RPM
/// and EVR within the image's product stream and module stream. Only the namespace's own data
/// is read, so one release never answers for another.
/// </summary>
public sealed class AdvisoryMatcher(AdvisoryStore store, TimeProvider? clock = null)
{
    // SQLite's default limit is 999 host parameters per statement; PostgreSQL's is higher.
    private const int QueryBatch = 500;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// Matches <paramref name="packages"/> of an image whose release is <paramref name="ns"/>.
    /// <paramref name="productStream"/> selects a Red Hat extended-support stream
    /// (<c>eus-9.4</c>); empty selects the release's main stream.
    /// </summary>
    public MatchResult Match(AdvisoryNamespace ns, IReadOnlyList<PackageQuery> packages, string productStream = "")
    {
        var supportEnd = DistributionReleases.SupportEnd(ns);
        var endOfLife = supportEnd is { } end && end < DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        if (ns.Family is DistributionFamily.Other || !store.HasNamespace(ns))
        {
            return new MatchResult
            {
                Namespace = ns,
                HasData = false,
                SupportEnd = supportEnd,
                EndOfLife = endOfLife,
                Findings = [],
                Warnings = [$"No advisory data for namespace '{ns}'. Import its feeds with 'drydock db import' or "
                    + "'drydock db update'."],
            };
        }

        var rules = VersionRules.For(ns.Family);
        var warnings = new List<string>();
        var lookups = Lookups(ns, packages, rules, warnings);
        var rows = ReadRows(ns, lookups.Keys);
        var findings = new List<Finding>();
        foreach (var (name, queries) in lookups)
        {
            foreach (var (query, version) in queries)
            {
                findings.AddRange(MatchPackage(ns, rules, rows, name, query, version, productStream));
            }
        }

        findings.Sort((a, b) => (a.Package.Name, a.Vulnerability).CompareTo((b.Package.Name, b.Vulnerability)));
        return new MatchResult
        {
            Namespace = ns,
            HasData = true,
            SupportEnd = supportEnd,
            EndOfLife = endOfLife,
            Findings = findings,
            Warnings = warnings,
        };
    }

    private static Dictionary<string, List<(PackageQuery Query, string Version)>> Lookups(
        AdvisoryNamespace ns, IReadOnlyList<PackageQuery> packages, VersionRules rules, List<string> warnings)
    {
        var lookups = new Dictionary<string, List<(PackageQuery, string)>>(StringComparer.Ordinal);
        foreach (var package in packages)
        {
            var (name, version) = ns.Family switch
            {
                DistributionFamily.Debian or DistributionFamily.Ubuntu =>
                    (package.SourceName ?? package.Name, package.SourceVersion ?? package.Version),
                DistributionFamily.Alpine => (package.SourceName ?? package.Name, package.Version),
                _ => (package.Name, RpmEvr(package.Version)),
            };
            if (!rules.IsValid(version))
            {
                warnings.Add($"The version '{version}' of package '{package.Name}' is invalid under {rules.Name} "
                    + "version rules, so the package was not checked.");
                continue;
            }

            Add(lookups, name, (package, version));
            if (ns.Family is DistributionFamily.RedHat && package.SourceName is { } source)
            {
                Add(lookups, $"src:{source}", (package, version));
            }
        }

        return lookups;
    }

    private IEnumerable<Finding> MatchPackage(
        AdvisoryNamespace ns,
        VersionRules rules,
        Dictionary<string, List<StoredRow>> rows,
        string name,
        PackageQuery query,
        string version,
        string productStream)
    {
        if (!rows.TryGetValue(name, out var packageRows))
        {
            yield break;
        }

        var stream = ExpectedStream(ns, query, productStream);
        foreach (var group in packageRows.Where(r => r.Stream == stream).GroupBy(r => r.Vulnerability))
        {
            if (ns.Family is DistributionFamily.RedHat && name.StartsWith("src:", StringComparison.Ordinal)
                && rows.TryGetValue(query.Name, out var binaryRows)
                && binaryRows.Any(r => r.Vulnerability == group.Key && r.Stream == stream))
            {
                // The binary RPM's own statement wins over its source RPM's.
                continue;
            }

            if (Evaluate(rules, group.ToList(), version) is { } finding)
            {
                yield return finding with { Package = query, MatchedName = name, MatchedVersion = version };
            }
        }
    }

    /// <summary>
    /// Decides one vulnerability for one installed version from every stored statement about
    /// it: the most trusted source's own record gives the verdict, advisories from every
    /// source are listed.
    /// </summary>
    private static Finding? Evaluate(VersionRules rules, List<StoredRow> rows, string version)
    {
        var chosen = ChooseStatements(rows);
        StoredRow? verdictRow = null;
        var verdict = Verdict.NotAffected;
        var anyApplies = false;
        foreach (var row in chosen)
        {
            if (row.Introduced is not null && rules.Compare(version, row.Introduced) < 0)
            {
                continue;
            }

            anyApplies = true;
            var rowVerdict = RowVerdict(rules, row, version);
            if (rowVerdict is { } candidate && (verdictRow is null || Rank(candidate) < Rank(verdict)
                || (candidate == Verdict.Fixable && verdict == Verdict.Fixable
                    && rules.Compare(row.FixedVersion!, verdictRow.FixedVersion!) < 0)))
            {
                // Among several fixes (advisories for different updates of one release), the
                // earliest one that covers the installed version is reported.
                verdict = candidate;
                verdictRow = row;
            }
        }

        if (!anyApplies || verdictRow is null)
        {
            return null;
        }

        return new Finding
        {
            Vulnerability = verdictRow.Vulnerability,
            Advisories = rows.Select(r => r.Advisory).Where(a => a.Length > 0).Distinct().Order().ToList(),
            Aliases = rows.SelectMany(r => (r.Aliases ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Distinct().Order().ToList(),
            Package = null!,
            MatchedName = "",
            MatchedVersion = "",
            Verdict = verdict,
            FixedVersion = verdict == Verdict.Fixable ? verdictRow.FixedVersion : null,
            Severity = SeverityLabels.ToSeverity(verdictRow.Severity ?? FirstSeverity(rows)),
            DistributionSeverity = verdictRow.Severity ?? FirstSeverity(rows),
            Reason = verdictRow.Reason,
            Cvss = rows.Select(r => r.Cvss).FirstOrDefault(c => c is not null),
            Source = verdictRow.Source,
        };
    }

    // A fixed statement about a version at or past the fix resolves it: no verdict.
    private static Verdict? RowVerdict(VersionRules rules, StoredRow row, string version) => row.Status switch
    {
        AffectedStatus.Fixed when row.FixedVersion is not null && rules.Compare(version, row.FixedVersion) < 0 =>
            Verdict.Fixable,
        AffectedStatus.Fixed => null,
        AffectedStatus.Open => Verdict.Open,
        AffectedStatus.WillNotFix => Verdict.WillNotFix,
        AffectedStatus.Unimportant => Verdict.Unimportant,
        _ => Verdict.NotAffected,
    };

    private static int Rank(Verdict verdict) => verdict switch
    {
        Verdict.Fixable => 0,
        Verdict.Open => 1,
        Verdict.WillNotFix => 2,
        Verdict.Unimportant => 3,
        _ => 4,
    };

    /// <summary>
    /// Picks the statements that decide: the most trusted source's records of the
    /// vulnerability itself, else that source's advisory records (a DSA whose CVE has no
    /// record of its own).
    /// </summary>
    private static List<StoredRow> ChooseStatements(List<StoredRow> rows)
    {
        foreach (var own in new[] { true, false })
        {
            var best = rows.Where(r => (r.Advisory.Length == 0) == own)
                .GroupBy(r => r.Source)
                .OrderBy(g => SourcePriority(g.Key))
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best is not null)
            {
                return best.ToList();
            }
        }

        return rows;
    }

    // The distribution's own tracker is more complete than the OSV conversion of it: it keeps
    // not-affected and no-DSA statements that OSV drops.
    private static int SourcePriority(string source) => source switch
    {
        "debian-tracker" or "ubuntu-tracker" or "alpine-secdb" or "redhat-csaf" => 0,
        _ => 1,
    };

    private static string? FirstSeverity(List<StoredRow> rows) =>
        rows.Select(r => r.Severity).FirstOrDefault(s => s is not null);

    private static string ExpectedStream(AdvisoryNamespace ns, PackageQuery query, string productStream)
    {
        if (ns.Family is not DistributionFamily.RedHat)
        {
            return "";
        }

        var module = query.Module is { Length: > 0 } m ? $"module:{m}" : "";
        return string.Join(' ', new[] { productStream, module }.Where(part => part.Length > 0));
    }

    private static string RpmEvr(string version) => version.Contains(':') ? version : $"0:{version}";

    private static void Add<T>(Dictionary<string, List<T>> lookups, string name, T item)
    {
        if (!lookups.TryGetValue(name, out var list))
        {
            lookups[name] = list = [];
        }

        list.Add(item);
    }

    private Dictionary<string, List<StoredRow>> ReadRows(AdvisoryNamespace ns, IEnumerable<string> names)
    {
        var result = new Dictionary<string, List<StoredRow>>(StringComparer.Ordinal);
        foreach (var batch in names.Chunk(QueryBatch))
        {
            using var command = store.Connection.CreateCommand();
            var placeholders = new string[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                placeholders[i] = $"$p{i}";
                command.Parameters.AddWithValue(placeholders[i], batch[i]);
            }

            command.Parameters.AddWithValue("$namespace", ns.ToString());
            command.CommandText = "SELECT source, package, stream, vulnerability, advisory, aliases, status, introduced, "
                + "fixed_version, severity, reason, cvss FROM affected WHERE namespace = $namespace AND package IN ("
                + string.Join(", ", placeholders) + ")";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var row = StoredRow.Read(reader);
                Add(result, row.Package, row);
            }
        }

        return result;
    }
}

/// <summary>One stored statement, as the matcher reads it.</summary>
internal sealed record StoredRow(
    string Source,
    string Package,
    string Stream,
    string Vulnerability,
    string Advisory,
    string? Aliases,
    AffectedStatus Status,
    string? Introduced,
    string? FixedVersion,
    string? Severity,
    string? Reason,
    string? Cvss)
{
    public static StoredRow Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        Optional(reader, 5),
        AffectedStatusText.Parse(reader.GetString(6)),
        Optional(reader, 7),
        Optional(reader, 8),
        Optional(reader, 9),
        Optional(reader, 10),
        Optional(reader, 11));

    private static string? Optional(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
