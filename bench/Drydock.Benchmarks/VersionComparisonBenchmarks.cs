using BenchmarkDotNet.Attributes;
using Drydock.Packages.Versions;

namespace Drydock.Benchmarks;

/// <summary>
/// Measures dpkg, apk and RPM comparisons on already parsed versions, the way a matcher
/// compares an installed version with fixed versions. Each invocation compares
/// <see cref="PairCount"/> pairs, so the rate is PairCount divided by the reported mean.
/// </summary>
[MemoryDiagnoser]
public class VersionComparisonBenchmarks
{
    public const int PairCount = 1024;

    // Versions in the shapes seen in a bookworm image and the security tracker: epochs,
    // binNMUs, security and backport suffixes, tildes and long numeric runs.
    private static readonly string[] _debian =
    [
        "2.36-9+deb12u4", "2.36-9+deb12u7", "1:2.38.1-5+b1", "2.38.1-5", "3.0.11-1~deb12u2",
        "3.0.15-1~deb12u1", "7.88.1-10+deb12u5", "7.88.1-10+deb12u8", "1:9.2.1-2", "252.30-1~deb12u2",
        "1.0~rc1-1", "1.0-1", "12.2.0-14", "12.2.0-14+deb12u1", "2:8.39-15", "20230311",
    ];

    private static readonly string[] _apk =
    [
        "1.36.1-r5", "1.36.1-r7", "3.1.4-r5", "3.1.4-r6", "1.6_rc1-r0", "1.6-r0", "2.4.7-r0", "8.5.0-r0",
    ];

    private static readonly string[] _rpm =
    [
        "1:3.0.7-27.el9", "1:3.0.7-24.el9", "2.34-100.el9_4.2", "2.34-83.el9", "1.0^git1-1", "1.0-1",
        "4.16.1.3-29.el9", "4.16.1.3-34.el9",
    ];

    private DebianVersion[] _debianLeft = [];
    private DebianVersion[] _debianRight = [];
    private ApkVersion[] _apkLeft = [];
    private ApkVersion[] _apkRight = [];
    private RpmVersion[] _rpmLeft = [];
    private RpmVersion[] _rpmRight = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _debianLeft = Pick(_debian, DebianVersion.Parse, random);
        _debianRight = Pick(_debian, DebianVersion.Parse, random);
        _apkLeft = Pick(_apk, ApkVersion.Parse, random);
        _apkRight = Pick(_apk, ApkVersion.Parse, random);
        _rpmLeft = Pick(_rpm, RpmVersion.Parse, random);
        _rpmRight = Pick(_rpm, RpmVersion.Parse, random);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PairCount)]
    public int Dpkg() => CompareAll(_debianLeft, _debianRight);

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int Apk() => CompareAll(_apkLeft, _apkRight);

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int Rpm() => CompareAll(_rpmLeft, _rpmRight);

    private static int CompareAll<T>(T[] left, T[] right)
        where T : IComparable<T>
    {
        var sum = 0;
        for (var i = 0; i < left.Length; i++)
        {
            sum += left[i].CompareTo(right[i]);
        }

        return sum;
    }

    private static T[] Pick<T>(string[] texts, Func<string, T> parse, Random random)
    {
        var result = new T[PairCount];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = parse(texts[random.Next(texts.Length)]);
        }

        return result;
    }
}
