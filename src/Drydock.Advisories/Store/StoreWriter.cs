using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Drydock.Advisories.Store;

/// <summary>
/// Writes one import into the store inside a single transaction. The first record of each
/// source deletes that source's previous rows, so a committed import replaces whole sources
/// and a failed or interrupted one (disposed without <see cref="Commit"/>) leaves the
/// previous data as it was.
/// </summary>
internal sealed class StoreWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _parameters;
    private readonly Dictionary<string, SourceProgress> _sources = new(StringComparer.Ordinal);

    public StoreWriter(AdvisoryStore store)
    {
        _connection = store.Connection;
        _transaction = _connection.BeginTransaction();
        _insert = _connection.CreateCommand();
        _insert.Transaction = _transaction;
        _insert.CommandText = "INSERT INTO affected (source, namespace, package, stream, vulnerability, advisory, "
            + "aliases, status, introduced, fixed_version, severity, reason, published, cvss) VALUES ($source, $namespace, "
            + "$package, $stream, $vulnerability, $advisory, $aliases, $status, $introduced, $fixed, $severity, $reason, "
            + "$published, $cvss)";
        string[] names =
        [
            "$source", "$namespace", "$package", "$stream", "$vulnerability", "$advisory", "$aliases", "$status",
            "$introduced", "$fixed", "$severity", "$reason", "$published", "$cvss",
        ];
        _parameters = names.Select(name => _insert.Parameters.Add(name, SqliteType.Text)).ToArray();
        _insert.Prepare();
    }

    /// <summary>The sources written so far, with their counts.</summary>
    public IReadOnlyDictionary<string, SourceProgress> Sources => _sources;

    public void Add(string source, string kind, AffectedRecord record)
    {
        var progress = Begin(source, kind);
        progress.Namespaces.Add(record.Namespace.ToString());
        progress.RecordCount++;
        object?[] values =
        [
            source, record.Namespace.ToString(), record.Package, record.Stream, record.Vulnerability,
            record.Advisory, record.Aliases, record.Status.ToText(), record.Introduced, record.FixedVersion, record.Severity,
            record.Reason, record.Published, record.Cvss,
        ];
        for (var i = 0; i < values.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }

        _insert.ExecuteNonQuery();
    }

    /// <summary>Records that a source has data for a release even when it states nothing.</summary>
    public void AddNamespace(string source, string kind, AdvisoryNamespace ns) =>
        Begin(source, kind).Namespaces.Add(ns.ToString());

    public void AddMalformed(string source, string kind) => Begin(source, kind).MalformedCount++;

    public void ObserveDate(string source, string kind, string? date)
    {
        if (date is null
            || !DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return;
        }

        var progress = Begin(source, kind);
        if (progress.Newest is null || value > progress.Newest)
        {
            progress.Newest = value;
        }
    }

    public void Commit(DateTimeOffset now)
    {
        foreach (var (name, progress) in _sources)
        {
            Execute("DELETE FROM source_namespaces WHERE source = $source", ("$source", name));
            foreach (var ns in progress.Namespaces)
            {
                Execute("INSERT INTO source_namespaces (source, namespace) VALUES ($source, $namespace)",
                    ("$source", name), ("$namespace", ns));
            }

            Execute("DELETE FROM sources WHERE name = $source", ("$source", name));
            Execute("INSERT INTO sources (name, kind, imported_at, newest_advisory, record_count, malformed_count) "
                + "VALUES ($source, $kind, $now, $newest, $records, $malformed)",
                ("$source", name), ("$kind", progress.Kind), ("$now", now.ToString("O")),
                ("$newest", progress.Newest?.ToUniversalTime().ToString("O")),
                ("$records", progress.RecordCount), ("$malformed", progress.MalformedCount));
        }

        _transaction.Commit();
    }

    public void Dispose()
    {
        _insert.Dispose();
        _transaction.Dispose();
    }

    private SourceProgress Begin(string source, string kind)
    {
        if (_sources.TryGetValue(source, out var progress))
        {
            return progress;
        }

        Execute("DELETE FROM affected WHERE source = $source", ("$source", source));
        progress = new SourceProgress(kind);
        _sources[source] = progress;
        return progress;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }
}

/// <summary>Counts of one source within an import.</summary>
internal sealed class SourceProgress(string kind)
{
    public string Kind { get; } = kind;

    public HashSet<string> Namespaces { get; } = new(StringComparer.Ordinal);

    public long RecordCount { get; set; }

    public long MalformedCount { get; set; }

    public DateTimeOffset? Newest { get; set; }
}
