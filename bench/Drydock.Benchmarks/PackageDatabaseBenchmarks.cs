using BenchmarkDotNet.Attributes;
using Drydock.Packages.Inventory;

namespace Drydock.Benchmarks;

/// <summary>
/// Measures reading one real package database from a directory root, parsing included. The
/// databases are the dpkg status of a Debian 12 minbase root (88 packages) and of an Ubuntu
/// 18.04 texlive image (357), the apk database of Alpine 3.18 (15), and the rpm databases of
/// CBL-Mariner 2.0 (SQLite, 129), SLE 15 (NDB, 35) and RHEL 8 (Berkeley DB, 1 package on 23 pages).
/// </summary>
[MemoryDiagnoser]
public class PackageDatabaseBenchmarks
{
    private readonly Dictionary<string, string> _roots = [];

    [Params("dpkg-debian12", "dpkg-texlive", "apk-alpine318", "rpm-sqlite", "rpm-ndb", "rpm-bdb")]
    public string Database { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var data = Environment.GetEnvironmentVariable("DRYDOCK_TEST_DATA")
            ?? Path.Combine(FindRepository(), "..", "shared", "data");
        var fixtures = Path.Combine(data, "pkgdb-fixtures");
        var (source, target) = Database switch
        {
            "dpkg-debian12" => ("dpkg/debian12-minbase-debootstrap/var/lib/dpkg/status", "/var/lib/dpkg/status"),
            "dpkg-texlive" => ("dpkg/claircore-texlive.status", "/var/lib/dpkg/status"),
            "apk-alpine318" => ("apk/alpine-3.18-base.installed", "/lib/apk/db/installed"),
            "rpm-sqlite" => ("rpm/cbl-mariner-2.0.rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite"),
            "rpm-ndb" => ("rpm/sle15-bci.Packages.db", "/usr/lib/sysimage/rpm/Packages.db"),
            _ => ("rpm/rhel8-libuuid.Packages", "/var/lib/rpm/Packages"),
        };

        var root = Directory.CreateTempSubdirectory("drydock-bench-root-").FullName;
        Directory.CreateDirectory(Path.GetDirectoryName(root + target)!);
        File.Copy(Path.Combine(fixtures, source), root + target);
        _roots[Database] = root;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_roots[Database], recursive: true);

    [Benchmark]
    public int Read() => PackageInventory.Read(new DirectoryRootFileSystem(_roots[Database])).Packages.Count;

    private static string FindRepository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Drydock.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Drydock.slnx not found.");
    }
}
