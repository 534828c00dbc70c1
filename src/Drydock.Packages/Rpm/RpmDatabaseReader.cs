using Drydock.Packages.Inventory;

namespace Drydock.Packages.Rpm;

/// <summary>
/// Reads the rpm database: <c>rpmdb.sqlite</c> (SQLite), <c>Packages.db</c> (SUSE's NDB) or
/// <c>Packages</c> (Berkeley DB hash), in <c>/usr/lib/sysimage/rpm</c> or <c>/var/lib/rpm</c>.
/// Headers are parsed here; no rpm binary or library is used.
/// </summary>
internal sealed class RpmDatabaseReader : IPackageDatabaseReader
{
    // rpm's %_dbpath: /var/lib/rpm until Fedora 36 and openSUSE moved it to /usr/lib/sysimage/rpm,
    // leaving a symbolic link behind, so the two usually resolve to one directory.
    private static readonly string[] _directories = ["/usr/lib/sysimage/rpm", "/var/lib/rpm"];

    // rpm reads only the backend that its %_db_backend macro names, so one file per directory
    // is read. NOTE: the order below is a guess at that macro when several files are present.
    private static readonly (string FileName, RpmDatabaseFormat Format)[] _databaseFiles =
    [
        ("rpmdb.sqlite", RpmDatabaseFormat.Sqlite),
        ("Packages.db", RpmDatabaseFormat.Ndb),
        ("Packages", RpmDatabaseFormat.BerkeleyDb),
    ];

    public bool IsDatabasePath(string absolutePath) =>
        _directories.Any(directory => _databaseFiles.Any(file => absolutePath == directory + "/" + file.FileName));

    public void Read(IRootFileSystem root, PackageInventoryOptions options, PackageInventoryResult result)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in _directories)
        {
            var database = FindDatabase(root, directory);
            if (database is null || !seen.Add(database.Value.ResolvedPath))
            {
                continue;
            }

            // NOTE: when both directories hold separate databases, the first one found is read
            // and the other is taken for a leftover of a %_dbpath move.
            ReadDatabase(root, database.Value.Path, database.Value.Format, options, result);
            return;
        }
    }

    /// <summary>Reads one database file of a known format.</summary>
    internal static void ReadDatabase(
        IRootFileSystem root,
        string path,
        RpmDatabaseFormat format,
        PackageInventoryOptions options,
        PackageInventoryResult result)
    {
        using var stream = root.OpenRead(path)
            ?? throw new FileNotFoundException($"The rpm database '{path}' is missing.", path);
        var blobs = format switch
        {
            RpmDatabaseFormat.Sqlite => ReadSqlite(stream, path),
            RpmDatabaseFormat.Ndb => RpmNdbDatabase.ReadBlobs(stream, path),
            _ => RpmBerkeleyDatabase.ReadBlobs(stream, path),
        };

        result.AddDatabase(path);
        foreach (var (record, blob) in blobs)
        {
            try
            {
                var header = RpmHeader.Parse(blob);
                result.Add(RpmPackageParser.Parse(header, path, options.IncludeFiles));
            }
            catch (InvalidDataException exception)
            {
                result.Report(path, record, exception.Message);
            }
        }
    }

    private static (string Path, string ResolvedPath, RpmDatabaseFormat Format)? FindDatabase(
        IRootFileSystem root, string directory)
    {
        foreach (var (fileName, format) in _databaseFiles)
        {
            var path = directory + "/" + fileName;
            if (root.ResolvePath(path) is not { } resolved)
            {
                continue;
            }

            // A directory or other non-file at the path is not a database.
            using var probe = root.OpenRead(path);
            if (probe is not null)
            {
                return (path, resolved, format);
            }
        }

        return null;
    }

    private static List<(int, byte[])> ReadSqlite(Stream stream, string path)
    {
        if (stream is FileStream { Name: var localPath })
        {
            return RpmSqliteDatabase.ReadBlobs(localPath, path);
        }

        // SQLite opens files, not streams, so the database is copied to a temporary file first.
        var temporary = Path.Combine(Path.GetTempPath(), $"drydock-rpmdb-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var copy = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.CopyTo(copy);
            }

            return RpmSqliteDatabase.ReadBlobs(temporary, path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}

/// <summary>The storage backends of the rpm database.</summary>
internal enum RpmDatabaseFormat
{
    Sqlite,
    Ndb,
    BerkeleyDb,
}
