using BenchmarkDotNet.Attributes;
using Drydock.Advisories;
using Drydock.Advisories.Import;
using Drydock.Advisories.Matching;
using Drydock.Advisories.Store;
using Drydock.Packages.Inventory;

namespace Drydock.Benchmarks.Advisories;

/// <summary>
/// Measures one match of a 500-package Debian 12 inventory against a warm store filled from the
/// Debian OSV export, the inventory that <see cref="AdvisoryHarness"/> times: the store's first
/// 500 debian:12 source packages at version <c>0.1-1</c>, so every statement about them is read.
/// The export is found at <c>$DRYDOCK_DEBIAN_OSV</c>, else in the data set beside the checkout.
/// Run: <c>dotnet run -c Release --project bench/Drydock.Benchmarks -- --filter '*MatchBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class MatchBenchmarks
{
    private static readonly AdvisoryNamespace _bookworm = AdvisoryNamespace.Parse("debian:12");
    private readonly List<PackageQuery> _packages = [];
    private DirectoryInfo? _folder;
    private AdvisoryStore? _store;
    private AdvisoryMatcher? _matcher;

    [GlobalSetup]
    public void ImportExport()
    {
        var export = Environment.GetEnvironmentVariable("DRYDOCK_DEBIAN_OSV")
            ?? Path.Combine(FindCheckout(), "..", "shared", "data", "debian-osv", "debian-osv-20250212.tar.gz");
        _folder = Directory.CreateTempSubdirectory("drydock-match-bench-");
        _store = AdvisoryStore.Open(Path.Combine(_folder.FullName, "advisories.db"));
        new AdvisoryImporter(_store).Import([export]);
        using (var command = _store.Connection.CreateCommand())
        {
            command.CommandText = "SELECT DISTINCT package FROM affected WHERE namespace = 'debian:12' "
                + "ORDER BY package LIMIT 500";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _packages.Add(new PackageQuery(reader.GetString(0), "0.1-1", null, null, "amd64", PackageType.Deb));
            }
        }

        _matcher = new AdvisoryMatcher(_store);
    }

    [GlobalCleanup]
    public void DeleteStore()
    {
        _store?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder?.Delete(recursive: true);
    }

    [Benchmark]
    public int Match500Packages() => _matcher!.Match(_bookworm, _packages).Findings.Count;

    private static string FindCheckout()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Drydock.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException(
            "Drydock.slnx not found above the benchmark; set DRYDOCK_DEBIAN_OSV to the export's path.");
    }
}
