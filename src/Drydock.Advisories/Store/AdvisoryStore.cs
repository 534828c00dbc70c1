using Microsoft.Data.Sqlite;

namespace Drydock.Advisories.Store;

/// <summary>
/// The advisory store: a SQLite database, by default <see cref="DefaultFileName"/> in Drydock's
/// cache directory, which the caller resolves. Opening it applies any pending schema migration.
/// </summary>
public sealed class AdvisoryStore : IDisposable
{
    private AdvisoryStore(string path, SqliteConnection connection)
    {
        Path = path;
        Connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    internal SqliteConnection Connection { get; }

    /// <summary>The database's file name in Drydock's cache directory when no path is given.</summary>
    public const string DefaultFileName = "advisories.db";

    /// <summary>Opens the store at <paramref name="path"/>, creating the file and its folder when missing.</summary>
    public static AdvisoryStore Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            // WAL lets a scan read the previous data while an import writes the next.
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536;");
            SchemaMigrator.Migrate(connection);
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw new IOException(
                $"The advisory store '{path}' could not be opened: {exception.Message} "
                + "Delete the file to start over, or pass another --db path.", exception);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new AdvisoryStore(path, connection);
    }

    /// <summary>Lists the imported sources with their record counts and dates.</summary>
    public IReadOnlyList<SourceStatus> GetStatus()
    {
        var namespaces = new Dictionary<string, List<string>>();
        using (var command = Connection.CreateCommand())
        {
            command.CommandText = "SELECT source, namespace FROM source_namespaces ORDER BY source, namespace";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var source = reader.GetString(0);
                if (!namespaces.TryGetValue(source, out var list))
                {
                    namespaces[source] = list = [];
                }

                list.Add(reader.GetString(1));
            }
        }

        var result = new List<SourceStatus>();
        using (var command = Connection.CreateCommand())
        {
            command.CommandText = "SELECT name, kind, imported_at, newest_advisory, record_count, malformed_count "
                + "FROM sources ORDER BY name";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                result.Add(new SourceStatus(
                    name,
                    reader.GetString(1),
                    DateTimeOffset.Parse(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : DateTimeOffset.Parse(reader.GetString(3)),
                    reader.GetInt64(4),
                    reader.GetInt64(5),
                    namespaces.TryGetValue(name, out var list) ? list : []));
            }
        }

        return result;
    }

    /// <summary>Returns whether any imported source has data for the namespace.</summary>
    public bool HasNamespace(AdvisoryNamespace ns)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM source_namespaces WHERE namespace = $namespace";
        command.Parameters.AddWithValue("$namespace", ns.ToString());
        return (long)command.ExecuteScalar()! > 0;
    }

    public void Dispose() => Connection.Dispose();

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>One imported source as <c>drydock db status</c> shows it.</summary>
/// <param name="Name">The source name, such as <c>debian-osv</c> or <c>alpine-secdb</c>.</param>
/// <param name="Kind">The feed format the source was read from.</param>
/// <param name="ImportedAt">When the source was last imported.</param>
/// <param name="NewestAdvisory">The newest publication or modification date in the source, when the feed has dates.</param>
/// <param name="RecordCount">Stored package statements.</param>
/// <param name="MalformedCount">Records skipped as malformed during the import.</param>
/// <param name="Namespaces">The releases the source has data for.</param>
public sealed record SourceStatus(
    string Name,
    string Kind,
    DateTimeOffset ImportedAt,
    DateTimeOffset? NewestAdvisory,
    long RecordCount,
    long MalformedCount,
    IReadOnlyList<string> Namespaces)
{
    /// <summary>
    /// Returns how long ago the newest advisory is, at <paramref name="now"/>. Returns null when
    /// the feed has no dates, because the import time does not show how fresh the data is.
    /// </summary>
    public TimeSpan? Age(DateTimeOffset now) => now - NewestAdvisory;
}
