using Drydock.Packages.Inventory;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Drydock.Advisories;
using Drydock.Advisories.Import;
using Drydock.Advisories.Matching;
using Drydock.Advisories.Store;

namespace Drydock.Benchmarks.Advisories;

/// <summary>
/// A timed harness for the two advisory figures: the import of a whole feed export and the
/// match of a 500-package image against a warm store. BenchmarkDotNet would repeat a
/// 10-second import dozens of times, so the import is timed a few times by hand instead.
/// Run: <c>dotnet run -c Release --project bench/Drydock.Benchmarks -- advisories FEED [RUNS [DATABASE]]</c>.
/// </summary>
internal static class AdvisoryHarness
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: advisories FEED.tar.gz [RUNS [DATABASE]]");
            return 2;
        }

        var runs = args.Length > 1 ? int.Parse(args[1]) : 3;
        var folder = Directory.CreateTempSubdirectory("drydock-bench-");
        try
        {
            // A third argument keeps the database at that path for inspection.
            var path = args.Length > 2 ? Path.GetFullPath(args[2]) : Path.Combine(folder.FullName, "advisories.db");
            for (var run = 1; run <= runs; run++)
            {
                File.Delete(path);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                using var store = AdvisoryStore.Open(path);
                var result = new AdvisoryImporter(store).Import([args[0]]);
                watch.Stop();
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                var records = result.RecordsBySource.Values.Sum();
                Console.WriteLine($"import run {run}: {watch.Elapsed.TotalSeconds:F2} s wall, "
                    + $"{cpu.TotalSeconds:F2} s CPU, {records} rows, {result.MalformedCount} malformed, "
                    + $"database {new FileInfo(path).Length / 1e6:F1} MB");
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
        // Warm up so that tiered JIT compilation is done before timing.
        for (var i = 0; i < 30; i++)
        {
            matcher.Match(ns, packages);
        }

        var wall = new List<double>();
        var cpu = new List<double>();
        var findings = 0;
        for (var i = 0; i < 50; i++)
        {
            var cpuStart = ThreadCpu.Now();
            var watch = Stopwatch.StartNew();
            findings = matcher.Match(ns, packages).Findings.Count;
            wall.Add(watch.Elapsed.TotalMilliseconds);
            cpu.Add((ThreadCpu.Now() - cpuStart).TotalMilliseconds);
        }

        wall.Sort();
        cpu.Sort();
        Console.WriteLine($"match of {packages.Count} packages: wall median {wall[wall.Count / 2]:F1} ms "
            + $"(min {wall[0]:F1} ms); thread CPU median {cpu[cpu.Count / 2]:F1} ms (min {cpu[0]:F1} ms); "
            + $"{findings} findings");
    }
}

/// <summary>
/// The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), which other
/// processes on a busy machine do not inflate the way they inflate wall-clock time.
/// </summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static TimeSpan Now()
    {
        _ = ClockGetTime(ClockThreadCpuTimeId, out var spec);
        return TimeSpan.FromTicks(spec.Seconds * TimeSpan.TicksPerSecond + spec.Nanoseconds / 100);
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec spec);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
