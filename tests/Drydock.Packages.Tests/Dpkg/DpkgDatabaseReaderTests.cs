using Drydock.Packages.Inventory;
using Drydock.Packages.Tests.Inventory;
using Drydock.Testing;

namespace Drydock.Packages.Tests.Dpkg;

public sealed class DpkgDatabaseReaderTests
{
    private const string Status = "/var/lib/dpkg/status";
    private const string StatusD = "/var/lib/dpkg/status.d/";

    [Fact]
    public void Debian12Minbase_MatchesDpkgQueryFieldByField()
    {
        var fixture = SharedData.Require("pkgdb-fixtures/dpkg/debian12-minbase-debootstrap");
        var expected = OracleTable.Load(Path.Combine(fixture, "dpkg-query.tsv")).Records.ToList();

        var result = PackageInventory.Read(new DirectoryRootFileSystem(fixture));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(88, result.Packages.Count);
        Assert.Equal(expected.Count, result.Packages.Count);
        foreach (var row in expected)
        {
            var package = Assert.Single(result.Packages, p => p.Name == row["package"]);
            Assert.Equal(row["version"], package.Version);
            Assert.Equal(row["arch"], package.Architecture);
            Assert.Equal(row["source"], package.SourceName);
            Assert.Equal(row["source_version"], package.SourceVersion);
            Assert.Equal(row["status"], package.Dpkg!.Status);
        }
    }

    [Theory]
    [InlineData("trivy-ubuntu18.04-valid.status", 90)]
    [InlineData("claircore-texlive.status", 357)]
    [InlineData("claircore-postgresql.status", 3)]
    [InlineData("claircore-debian-only.status", 1)]
    [InlineData("osv-scalibr-valid.status", 7)]
    public void StatusFixture_MatchesLiveDpkgQuery(string fixture, int count)
    {
        var source = SharedData.Require("pkgdb-fixtures/dpkg/" + fixture);
        using var root = new TemporaryRoot().Copy(source, Status);

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(count, result.Packages.Count);
        Assert.Equal(DpkgQuery.InstalledRowsOfStatus(source), Rows(result));
    }

    [Fact]
    public void Ubuntu1804_ConfigFilesPackageIsAbsent()
    {
        using var root = Fixture("trivy-ubuntu18.04-valid.status", Status);

        var packages = PackageInventory.Read(root.FileSystem).Packages;

        Assert.DoesNotContain(packages, package => package.Name == "git");
    }

    [Fact]
    public void SourceWithVersion_KeptApartFromBinary()
    {
        var fixture = SharedData.Require("pkgdb-fixtures/dpkg/debian12-minbase-debootstrap");

        var packages = PackageInventory.Read(new DirectoryRootFileSystem(fixture)).Packages;

        var binNmu = Assert.Single(packages, package => package.Name == "libcom-err2");
        Assert.Equal("1.47.0-2+b2", binNmu.Version);
        Assert.Equal("e2fsprogs", binNmu.SourceName);
        Assert.Equal("1.47.0-2", binNmu.SourceVersion);
        Assert.True(binNmu.Dpkg!.ParsedVersion > binNmu.Dpkg.ParsedSourceVersion);
        var epoch = Assert.Single(packages, package => package.Name == "bsdutils");
        Assert.Equal("1:2.38.1-5+deb12u3", epoch.Version);
        Assert.Equal("util-linux", epoch.SourceName);
        Assert.Equal("2.38.1-5+deb12u3", epoch.SourceVersion);
        Assert.Equal(1, epoch.Dpkg!.ParsedVersion.Epoch);
        Assert.Equal(0, epoch.Dpkg.ParsedSourceVersion.Epoch);
    }

    [Fact]
    public void VcpkgStatusElsewhere_IsNotADatabase()
    {
        using var root = Fixture("claircore-vcpkg.status", "/opt/vcpkg/installed/vcpkg/status");
        root.Copy(SharedData.Require("pkgdb-fixtures/dpkg/claircore-vcpkg.status"), "/srv/status");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Packages);
        Assert.Empty(result.Databases);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void VcpkgStatusAtDpkgPath_FeatureStanzasReported()
    {
        using var root = Fixture("claircore-vcpkg.status", Status);

        var result = PackageInventory.Read(root.FileSystem);

        // vcpkg's feature stanzas have no Version, which dpkg-query rejects too.
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, diagnostic => Assert.Equal(Status, diagnostic.File));
        Assert.Contains(result.Diagnostics, diagnostic => diagnostic.Line == 29);
    }

    [Fact]
    public void StatusDirectory_IsReportedNotSilent()
    {
        using var root = new TemporaryRoot().Write("/var/lib/dpkg/status/x", "not a database");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Packages);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(Status, diagnostic.File);
        Assert.Contains("'/var/lib/dpkg/status'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListedTwice_LaterStanzaWinsAsInDpkgQuery()
    {
        // dpkg overwrites the earlier instance of a Multi-Arch: same package; two instances of
        // any other package make dpkg-query refuse the whole database.
        const string fields = "Status: install ok installed\nMaintainer: m\nDescription: d\n";
        const string text =
            "Package: zlib1g\nArchitecture: amd64\nMulti-Arch: same\nVersion: 1:1.2.13.dfsg-1\n" + fields + "\n"
            + "Package: other\nArchitecture: all\nVersion: 1.0\n" + fields + "\n"
            + "Package: zlib1g\nArchitecture: amd64\nMulti-Arch: same\nVersion: 1:1.2.11.dfsg-9\n" + fields + "\n";
        using var root = new TemporaryRoot().Write(Status, text);

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal("1:1.2.11.dfsg-9", Assert.Single(result.Packages, p => p.Name == "zlib1g").Version);
        Assert.Equal(DpkgQuery.InstalledRowsOfStatus(root.Host(Status)), Rows(result));
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Contains("'1:1.2.13.dfsg-1'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VersionDpkgWarnsAbout_IsListedAndReported()
    {
        using var root = new TemporaryRoot().Write(Status,
            "Package: odd\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:2:!!\n\n");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal("1:2:!!", Assert.Single(result.Packages).Version);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Contains("'1:2:!!'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusD_MultipleReportsMalformedAndKeepsOthers()
    {
        using var root = Fixture("syft-status.d/multiple", StatusD + "multiple");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal(["tzdata", "util-linux"], result.Packages.Select(p => p.Name));
        Assert.Equal([1, 3], result.Diagnostics.Select(d => d.Line));
        Assert.All(result.Diagnostics, diagnostic => Assert.Equal(StatusD + "multiple", diagnostic.File));
        Assert.Contains("no-version", result.Diagnostics[1].Message, StringComparison.Ordinal);
        var tzdata = result.Packages[0];
        Assert.Equal("tzdata-dev", tzdata.SourceName);
        Assert.Equal("2020a-0+deb10u1", tzdata.SourceVersion);
    }

    [Fact]
    public void StatusD_FileNameDiffersFromPackage()
    {
        using var root = Fixture("syft-status.d/single", StatusD + "YXB0");

        var package = Assert.Single(PackageInventory.Read(root.FileSystem).Packages);

        Assert.Equal("apt", package.Name);
        Assert.Equal("apt-dev", package.SourceName);
        Assert.Equal(StatusD + "YXB0", package.Database);
    }

    [Fact]
    public void StatusD_EveryFixtureFile()
    {
        using var root = new TemporaryRoot();
        foreach (var file in Directory.EnumerateFiles(SharedData.Require("pkgdb-fixtures/dpkg/syft-status.d")))
        {
            root.Copy(file, StatusD + Path.GetFileName(file));
        }

        var result = PackageInventory.Read(root.FileSystem);

        var names = result.Packages.Select(p => $"{p.Name}:{p.Architecture}").Order().ToList();
        Assert.Contains("coreutils:arm64", names);
        Assert.Contains("linux-image-6.14.0-1012-aws:amd64", names);
        Assert.DoesNotContain("linux-image-6.8.0-1029-aws:amd64", names);
        Assert.Contains("libpam-runtime:all", names);
        Assert.Contains("mutt:", names);

        // "apt" is in both installed-size-4KB and single: identity is name and architecture.
        Assert.Single(result.Packages, p => p.Name == "apt");
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("'apt' (amd64) is listed again", StringComparison.Ordinal));
    }

    [Fact]
    public void StatusD_Distroless_FilesFromMd5sums()
    {
        var fixture = SharedData.Require("pkgdb-fixtures/dpkg/syft-distroless-sqlite");
        var options = new PackageInventoryOptions { IncludeFiles = true };

        var result = PackageInventory.Read(new DirectoryRootFileSystem(fixture), options);

        var package = Assert.Single(result.Packages);
        Assert.Equal(["/var/lib/dpkg/status.d/libsqlite3-0"], result.Databases);
        Assert.Equal("libsqlite3-0", package.Name);
        Assert.Equal("sqlite3", package.SourceName);
        Assert.Null(package.Dpkg!.Status);
        Assert.Contains("/usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6", package.Files!);
    }

    private static TemporaryRoot Fixture(string fixture, string path) =>
        new TemporaryRoot().Copy(SharedData.Require("pkgdb-fixtures/dpkg/" + fixture), path);

    private static List<string> Rows(PackageInventoryResult result) => result.Packages
        .Select(p => string.Join('\t', p.Name, p.Version, p.Architecture, p.SourceName, p.SourceVersion))
        .Order(StringComparer.Ordinal)
        .ToList();
}
