using Drydock.Advisories.Import;
using Drydock.Advisories.Store;
using Microsoft.Data.Sqlite;

namespace Drydock.Advisories.Tests.Support;

/// <summary>An advisory store in a throwaway folder, deleted on dispose.</summary>
public sealed class TemporaryStore : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("drydock-advisories-");

    public TemporaryStore()
    {
        Path = System.IO.Path.Combine(_folder.FullName, "advisories.db");
        Store = AdvisoryStore.Open(Path);
    }

    public string Path { get; }

    public string Folder => _folder.FullName;

    public AdvisoryStore Store { get; private set; }

    public ImportResult Import(params string[] paths) => new AdvisoryImporter(Store).Import(paths);

    /// <summary>Closes and reopens the store, as a later process would.</summary>
    public void Reopen()
    {
        Store.Dispose();
        Store = AdvisoryStore.Open(Path);
    }

    public long Count(string sql)
    {
        using var command = Store.Connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
