using BenchmarkDotNet.Attributes;
using Drydock.Packages.Maintainer;

namespace Drydock.Benchmarks;

/// <summary>
/// Measures the native replacements of update-ca-certificates (142 certificates, bundle and
/// hash links) and ldconfig (75 cache entries) on a bookworm minbase root with ca-certificates,
/// the root the tests build with mmdebstrap under ~/.cache/drydock-tests/rootfs.
/// </summary>
[MemoryDiagnoser]
public class MaintainerScriptBenchmarks
{
    private IRootTree _root = null!;

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            ".cache", "drydock-tests", "rootfs", "bookworm-ca-certificates");
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException(
                $"The root '{path}' is missing. Run the Drydock.Packages.Tests Maintainer tests once to build it.");
        }

        _root = new DirectoryRootTree(path);
    }

    [Benchmark]
    public int UpdateCaCertificates() => Drydock.Packages.Maintainer.CaCertificates.UpdateCaCertificates.Run(_root).Changes.Count;

    [Benchmark]
    public int Ldconfig() => Drydock.Packages.Maintainer.Ldconfig.Ldconfig.Run(_root).Changes.Count;
}
