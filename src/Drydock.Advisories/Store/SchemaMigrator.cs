using Microsoft.Data.Sqlite;

namespace Drydock.Advisories.Store;

/// <summary>
/// Brings a store's schema to the newest version by running the embedded scripts
/// <c>Migrations/NNNN-name.sql</c> in order, each in its own transaction with the
/// <c>schema_version</c> row it sets.
/// </summary>
internal static class SchemaMigrator
{
    private const string ResourcePrefix = "Drydock.Advisories.Migrations.";

    public static int LatestVersion => Scripts().Max(script => script.Version);

    public static void Migrate(SqliteConnection connection)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var current = CurrentVersion(connection);
        if (current > LatestVersion)
        {
            throw new InvalidDataException(
                $"The advisory store '{connection.DataSource}' has schema version {current}, newer than "
                + $"this Drydock's {LatestVersion}. Use a newer Drydock or another --db path.");
        }

        foreach (var (version, name) in Scripts().Where(s => s.Version > current).OrderBy(s => s.Version))
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, ReadScript(name), transaction);
            Execute(connection, "DELETE FROM schema_version", transaction);
            Execute(connection, $"INSERT INTO schema_version (version) VALUES ({version})", transaction);
            transaction.Commit();
        }
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_version";
        return command.ExecuteScalar() is long version ? (int)version : 0;
    }

    private static IEnumerable<(int Version, string Name)> Scripts()
    {
        foreach (var name in typeof(SchemaMigrator).Assembly.GetManifestResourceNames())
        {
            if (name.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(ResourcePrefix.Length, 4), out var version))
            {
                yield return (version, name);
            }
        }
    }

    private static string ReadScript(string resourceName)
    {
        using var stream = typeof(SchemaMigrator).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The migration '{resourceName}' is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
