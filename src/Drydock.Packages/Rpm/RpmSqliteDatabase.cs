using Microsoft.Data.Sqlite;

namespace Drydock.Packages.Rpm;

/// <summary>
/// Reads the header blobs of rpm's SQLite backend (<c>rpmdb.sqlite</c>, rpm 4.16 and later):
/// table <c>Packages(hnum INTEGER PRIMARY KEY, blob BLOB)</c>, one header per row.
/// </summary>
internal static class RpmSqliteDatabase
{
    /// <summary>Yields each package's number and header blob, in the order rpm lists them.</summary>
    /// <param name="localPath">The database as a file on the local disk.</param>
    /// <param name="displayPath">The path inside the root, for messages.</param>
    /// <exception cref="InvalidDataException">The file is not an rpm SQLite database.</exception>
    public static List<(int Record, byte[] Blob)> ReadBlobs(string localPath, string displayPath)
    {
        // immutable=1 makes SQLite read the file as it is: no lock, no journal or WAL recovery,
        // nothing written beside it.
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = "file:" + Uri.EscapeDataString(localPath).Replace("%2F", "/", StringComparison.Ordinal)
                + "?immutable=1",
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        };

        try
        {
            using var connection = new SqliteConnection(builder.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT hnum, blob FROM Packages ORDER BY hnum";
            using var reader = command.ExecuteReader();
            var blobs = new List<(int, byte[])>();
            while (reader.Read())
            {
                var blob = reader.IsDBNull(1) ? [] : (byte[])reader.GetValue(1);
                blobs.Add((reader.GetInt32(0), blob));
            }

            return blobs;
        }
        catch (SqliteException exception)
        {
            throw new InvalidDataException(
                $"The rpm database '{displayPath}' is not a readable SQLite rpmdb: {exception.Message}", exception);
        }
        catch (InvalidCastException exception)
        {
            throw new InvalidDataException(
                $"The rpm database '{displayPath}' has a Packages table of the wrong shape.", exception);
        }
    }
}
