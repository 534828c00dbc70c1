namespace Drydock.Advisories.Tests.Support;

/// <summary>A stored row as the import tests read it back.</summary>
public sealed record Row(
    string Source,
    string Namespace,
    string Package,
    string Stream,
    string Vulnerability,
    string Advisory,
    string? Aliases,
    string Status,
    string? Introduced,
    string? FixedVersion,
    string? Severity,
    string? Reason);

public static class StoreQueries
{
    public static List<Row> Rows(this TemporaryStore store, string where)
    {
        using var command = store.Store.Connection.CreateCommand();
        command.CommandText = "SELECT source, namespace, package, stream, vulnerability, advisory, aliases, status, "
            + $"introduced, fixed_version, severity, reason FROM affected WHERE {where} ORDER BY namespace, "
            + "package, vulnerability, advisory, stream, fixed_version";
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            rows.Add(new Row(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), Optional(reader, 6), reader.GetString(7),
                Optional(reader, 8), Optional(reader, 9), Optional(reader, 10), Optional(reader, 11)));
        }

        return rows;
    }

    private static string? Optional(Microsoft.Data.Sqlite.SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
