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
        var comparer = new CachedVersionComparer(rules);
        var rows = ReadRows(ns, lookups.Keys);
        var findings = new List<Finding>();
        var decided = new Dictionary<(string Name, string Version, string Stream), List<Finding>>();
        foreach (var (name, queries) in lookups)
        {
            foreach (var (query, version) in queries)
            {
                // Binaries of one source share its name and version, so each is decided once.
                var stream = ExpectedStream(ns, query, productStream);
                if (!decided.TryGetValue((name, version, stream), out var templates))
                {
                    templates = MatchName(ns, comparer, rows, name, query.Name, version, stream).ToList();
                    decided[(name, version, stream)] = templates;
                }

                findings.AddRange(templates.Select(t => t with { Package = query }));
            }
        }

        findings.Sort((a, b) =>
        {
            var byPackage = string.CompareOrdinal(a.Package.Name, b.Package.Name);
            return byPackage != 0 ? byPackage : string.CompareOrdinal(a.Vulnerability, b.Vulnerability);
        });
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

    private static IEnumerable<Finding> MatchName(
        AdvisoryNamespace ns,
        CachedVersionComparer rules,
        Dictionary<string, List<StoredRow>> rows,
        string name,
        string binaryName,
        string version,
        string stream)
    {
        if (!rows.TryGetValue(name, out var packageRows))
        {
            yield break;
        }

        foreach (var group in packageRows.Where(r => r.Stream == stream).GroupBy(r => r.Vulnerability))
        {
            if (ns.Family is DistributionFamily.RedHat && name.StartsWith("src:", StringComparison.Ordinal)
                && rows.TryGetValue(binaryName, out var binaryRows)
                && binaryRows.Any(r => r.Vulnerability == group.Key && r.Stream == stream))
            {
                // The binary RPM's own statement wins over its source RPM's.
                continue;
            }

            if (Evaluate(rules, group.ToList(), version) is { } finding)
            {
                yield return finding with { MatchedName = name, MatchedVersion = version };
            }
        }
    }

    /// <summary>
    /// Decides one vulnerability for one installed version from every stored statement about
    /// it: the most trusted source's own record gives the verdict, advisories from every
    /// source are listed.
    /// </summary>
    private static Finding? Evaluate(CachedVersionComparer rules, List<StoredRow> rows, string version)
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
            Advisories = Collect(rows, static r => r.Advisory),
            Aliases = Collect(rows, static r => r.Aliases),
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

    // Gathers the distinct ids of a column across statements; most findings have none or one.
    private static IReadOnlyList<string> Collect(List<StoredRow> rows, Func<StoredRow, string?> column)
    {
        SortedSet<string>? ids = null;
        foreach (var row in rows)
        {
            var value = column(row);
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            ids ??= new SortedSet<string>(StringComparer.Ordinal);
            foreach (var id in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                ids.Add(id);
            }
        }

        return ids is null ? [] : [.. ids];
    }

    // A fixed statement about a version at or past the fix resolves it: no verdict.
    private static Verdict? RowVerdict(CachedVersionComparer rules, StoredRow row, string version) => row.Status switch
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
            string? best = null;
            var bestPriority = int.MaxValue;
            foreach (var row in rows)
            {
                var priority = SourcePriority(row.Source);
                if ((row.Advisory.Length == 0) == own
                    && (priority < bestPriority
                        || (priority == bestPriority && string.CompareOrdinal(row.Source, best) < 0)))
                {
                    best = row.Source;
                    bestPriority = priority;
                }
            }

            if (best is not null)
            {
                return rows.FindAll(r => r.Source == best && (r.Advisory.Length == 0) == own);
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

    // One prepared lookup per name: SQLite answers each from the (namespace, package) index,
    // which measured faster than one statement with a long IN list.
    private Dictionary<string, List<StoredRow>> ReadRows(AdvisoryNamespace ns, IEnumerable<string> names)
    {
        var result = new Dictionary<string, List<StoredRow>>(StringComparer.Ordinal);
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT source, package, stream, vulnerability, advisory, aliases, status, introduced, "
            + "fixed_version, severity, reason, cvss FROM affected WHERE namespace = $namespace AND package = $package";
        command.Parameters.AddWithValue("$namespace", ns.ToString());
        var package = command.Parameters.Add("$package", SqliteType.Text);
        command.Prepare();
        foreach (var name in names)
        {
            package.Value = name;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Add(result, name, StoredRow.Read(reader));
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
