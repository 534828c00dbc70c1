using Drydock.Packages.Inventory;
using System.Diagnostics;
using Drydock.Advisories;
using Drydock.Advisories.Import;
using Drydock.Advisories.Matching;
using Drydock.Advisories.Store;

namespace Drydock.Benchmarks.Advisories;

/// <summary>
/// A timed harness for the two advisory figures: the import of a whole feed export and the
/// match of a 500-package image against a warm store. BenchmarkDotNet would repeat a
/// 10-second import dozens of times, so the import is timed a few times by hand instead.
/// Run: <c>dotnet run -c Release --project bench/Drydock.Benchmarks -- advisories FEED [RUNS]</c>.
/// </summary>
internal static class AdvisoryHarness
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: advisories FEED.tar.gz [RUNS]");
            return 2;
        }

        var runs = args.Length > 1 ? int.Parse(args[1]) : 3;
        var folder = Directory.CreateTempSubdirectory("drydock-bench-");
        try
        {
            var path = Path.Combine(folder.FullName, "advisories.db");
            for (var run = 1; run <= runs; run++)
            {
                File.Delete(path);
                var watch = Stopwatch.StartNew();
                using var store = AdvisoryStore.Open(path);
                var result = new AdvisoryImporter(store).Import([args[0]]);
                watch.Stop();
                var records = result.RecordsBySource.Values.Sum();
                Console.WriteLine($"import run {run}: {watch.Elapsed.TotalSeconds:F2} s, {records} rows, "
                    + $"{result.MalformedCount} malformed, database {new FileInfo(path).Length / 1e6:F1} MB");
            }

            using (var store = AdvisoryStore.Open(path))
            {
                MatchImage(store);
            }

            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    // A 500-package Debian 12 image: the store's first 500 source packages of debian:12, each
    // at version 0.1-1 so that every statement about them is checked.
    private static void MatchImage(AdvisoryStore store)
    {
        var ns = AdvisoryNamespace.Parse("debian:12");
        var packages = new List<PackageQuery>();
        using (var command = store.Connection.CreateCommand())
        {
            command.CommandText = "SELECT DISTINCT package FROM affected WHERE namespace = 'debian:12' "
                + "ORDER BY package LIMIT 500";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                packages.Add(new PackageQuery(reader.GetString(0), "0.1-1", null, null, "amd64", PackageType.Deb));
            }
        }

        var matcher = new AdvisoryMatcher(store);
        matcher.Match(ns, packages);
        var times = new List<double>();
        var findings = 0;
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            findings = matcher.Match(ns, packages).Findings.Count;
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"match of {packages.Count} packages: median {times[times.Count / 2]:F1} ms, "
            + $"min {times[0]:F1} ms, max {times[^1]:F1} ms, {findings} findings");
    }
}
