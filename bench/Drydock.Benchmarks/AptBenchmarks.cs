using BenchmarkDotNet.Attributes;
using Drydock.Packages.Apt.Candidates;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Apt.Resolver;

namespace Drydock.Benchmarks;

/// <summary>Parsing the full bookworm main Packages index and resolving the closure of python3 over it.</summary>
[MemoryDiagnoser]
public class AptBenchmarks
{
    private byte[] _index = [];
    private IReadOnlyList<PackageRecord> _records = [];
    private PackageUniverse? _warmUniverse;

    [GlobalSetup]
    public void Setup()
    {
        _index = AptIndexData.BookwormMain;
        _records = PackagesIndexParser.Parse(_index, "bookworm main").Records;
        _warmUniverse = NewUniverse();
        new DependencyResolver(_warmUniverse).Install(["python3"]);
    }

    /// <summary>Parses every stanza (about 64,000) from the decompressed bytes.</summary>
    [Benchmark]
    public int ParseBookwormMain() => PackagesIndexParser.Parse(_index, "bookworm main").Records.Count;

    /// <summary>Resolves python3's closure on a universe whose candidates were chosen before.</summary>
    [Benchmark]
    public int ResolvePython3() => new DependencyResolver(_warmUniverse!).Install(["python3"]).Changes.Count;

    /// <summary>Builds the universe (indexes, Provides) and resolves python3's closure from scratch.</summary>
    [Benchmark]
    public int BuildUniverseAndResolvePython3() => new DependencyResolver(NewUniverse()).Install(["python3"]).Changes.Count;

    private PackageUniverse NewUniverse() => new(_records, [], new CandidatePolicy([]), "amd64");
}
