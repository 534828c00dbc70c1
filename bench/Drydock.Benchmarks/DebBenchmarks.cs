using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Drydock.Packages.Deb;

namespace Drydock.Benchmarks;

/// <summary>
/// Reads and extracts a real ~10 MB .deb (libicu72 by default, data.tar.xz of about 36 MB):
/// both xz decoders on the whole data part, and extraction against <c>dpkg-deb -x</c> started
/// as a process. The package comes from <c>DRYDOCK_BENCH_DEB</c>, else from the test cache
/// that bench/deb-extract-vs-dpkg.sh fills with apt-get download.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DebBenchmarks
{
    private string _deb = "";
    private string _work = "";
    private int _run;

    [GlobalSetup]
    public void Setup()
    {
        _deb = Environment.GetEnvironmentVariable("DRYDOCK_BENCH_DEB") ?? FindCached("libicu72");
        _work = Directory.CreateTempSubdirectory("drydock-bench-deb-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_work, true);

    [IterationCleanup]
    public void RemoveOutput()
    {
        foreach (var directory in Directory.GetDirectories(_work))
        {
            Directory.Delete(directory, true);
        }
    }

    [Benchmark]
    public long ReadWithLiblzma() => ReadAll(XzDecoder.Liblzma);

    [Benchmark]
    public long ReadWithSharpCompress() => ReadAll(XzDecoder.SharpCompress);

    [Benchmark]
    public void ExtractWithDrydock() => DebExtractor.Extract(_deb, NextOutput());

    [Benchmark(Baseline = true)]
    public void ExtractWithDpkgDeb()
    {
        var output = NextOutput();
        Directory.CreateDirectory(output);
        using var process = Process.Start("dpkg-deb", ["-x", _deb, output]);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dpkg-deb -x failed with exit code {process.ExitCode}.");
        }
    }

    private long ReadAll(XzDecoder decoder)
    {
        using var reader = DebArchiveReader.Open(_deb, decoder);
        var total = 0L;
        var buffer = new byte[1 << 16];
        foreach (var entry in reader.ReadDataEntries())
        {
            int read;
            while (entry.Content is not null && (read = entry.Content.Read(buffer)) > 0)
            {
                total += read;
            }
        }

        return total;
    }

    private string NextOutput() => Path.Combine(_work, $"out{_run++}");

    private static string FindCached(string package)
    {
        var cache = Environment.GetEnvironmentVariable("DRYDOCK_TEST_DEB_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "drydock-tests", "debs");
        var match = Directory.Exists(cache) ? Directory.GetFiles(cache, $"{package}_*.deb").LastOrDefault() : null;
        return match ?? throw new FileNotFoundException(
            $"No {package} .deb in '{cache}'. Run bench/deb-extract-vs-dpkg.sh or set DRYDOCK_BENCH_DEB.");
    }
}
