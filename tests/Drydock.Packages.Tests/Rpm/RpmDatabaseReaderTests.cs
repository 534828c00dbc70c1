using Drydock.Packages.Inventory;
using Drydock.Packages.Tests.Inventory;
using Drydock.Testing;

namespace Drydock.Packages.Tests.Rpm;

public sealed class RpmDatabaseReaderTests
{
    [Fact]
    public void Sqlite_CblMarinerMatchesRpmQa()
    {
        using var root = RootWith("cbl-mariner-2.0.rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["/var/lib/rpm/rpmdb.sqlite"], result.Databases);
        AssertMatchesRpmQa(result, "CBLMariner2-rpmdb.sqlite.rpm-qa.tsv");
        Assert.Equal(129, result.Packages.Count);
    }

    [Theory]
    [InlineData("rhel8-libuuid.Packages")]
    [InlineData("syft-redhat.Packages")]
    [InlineData("grype-centos-match-coverage.Packages")]
    [InlineData("grype-sles-match-coverage.Packages")]
    public void BerkeleyDb_MatchesRpmQa(string fixture)
    {
        using var root = RootWith(fixture, "/var/lib/rpm/Packages");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Diagnostics);
        AssertMatchesRpmQa(result, fixture + ".rpm-qa.tsv");
    }

    [Fact]
    public void BerkeleyDb_Rhel8KeepsSourceRpmApart()
    {
        using var root = RootWith("rhel8-libuuid.Packages", "/var/lib/rpm/Packages");

        var package = Assert.Single(PackageInventory.Read(root.FileSystem).Packages);

        Assert.Equal("libuuid", package.Name);
        Assert.Equal("2.32.1-42.el8_8", package.Version);
        Assert.Equal("util-linux", package.SourceName);
        Assert.Equal("2.32.1", package.SourceVersion);
        Assert.Equal("42.el8_8", package.Rpm!.SourceRelease);
        Assert.Null(package.Rpm.Epoch);
        Assert.Equal(PackageType.Rpm, package.Type);
    }

    [Fact]
    public void Ndb_Sle15MatchesRpmQaFieldByField()
    {
        using var root = RootWith("sle15-bci.Packages.db", "/usr/lib/sysimage/rpm/Packages.db");
        var expected = OracleTable.Load(SharedData.Require("pkgdb-fixtures/rpm/expected/SLE15WithNDB.tsv"));

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Diagnostics);
        var actual = result.Packages.Select(package => new[]
        {
            package.Rpm!.Epoch?.ToString() ?? "", package.Name, package.Rpm.Version, package.Rpm.Release,
            package.Architecture ?? "", package.Rpm.SourceRpm ?? "", package.InstalledSize?.ToString() ?? "",
            package.License ?? "", package.Rpm.Vendor ?? "", package.Rpm.ModularityLabel ?? "",
            package.Rpm.Summary ?? "", package.Rpm.SigMd5 ?? "",
        }).ToList();
        Assert.Equal(expected.Rows.Count, actual.Count);
        Assert.Equal(expected.Rows.Select(Join).Order(), actual.Select(Join).Order());
    }

    [Fact]
    public void Files_ListedFromBaseNamesAndDirNames()
    {
        using var root = RootWith("rhel8-libuuid.Packages", "/var/lib/rpm/Packages");

        var package = Assert.Single(
            PackageInventory.Read(root.FileSystem, new PackageInventoryOptions { IncludeFiles = true }).Packages);

        Assert.Contains("/usr/lib64/libuuid.so.1", package.Files!);
        Assert.All(package.Files!, file => Assert.StartsWith("/", file));
    }

    [Fact]
    public void Files_OmittedByDefault()
    {
        using var root = RootWith("rhel8-libuuid.Packages", "/var/lib/rpm/Packages");

        Assert.Null(Assert.Single(PackageInventory.Read(root.FileSystem).Packages).Files);
    }

    [Fact]
    public void DatabasePath_LinkedDirectoryReadOnce()
    {
        using var root = RootWith("sle15-bci.Packages.db", "/usr/lib/sysimage/rpm/Packages.db");
        root.Link("/var/lib/rpm", "../../usr/lib/sysimage/rpm");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal(["/usr/lib/sysimage/rpm/Packages.db"], result.Databases);
        Assert.Equal(35, result.Packages.Count);
    }

    [Fact]
    public void DatabasePath_DirectoryIsSkipped()
    {
        using var root = RootWith("rhel8-libuuid.Packages", "/var/lib/rpm/Packages");
        Directory.CreateDirectory(root.Host("/var/lib/rpm/rpmdb.sqlite"));

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal(["/var/lib/rpm/Packages"], result.Databases);
    }

    [Fact]
    public void DatabasePath_ElsewhereIsNotRead()
    {
        using var root = RootWith("rhel8-libuuid.Packages", "/opt/backup/var/lib/rpm/Packages");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Packages);
        Assert.Empty(result.Databases);
    }

    private static TemporaryRoot RootWith(string fixture, string path)
    {
        var source = SharedData.Require("pkgdb-fixtures/rpm/" + fixture);
        return new TemporaryRoot().Copy(source, path);
    }

    private static void AssertMatchesRpmQa(PackageInventoryResult result, string oracle)
    {
        var expected = OracleTable.Load(SharedData.Require("pkgdb-fixtures/rpm/expected/" + oracle));
        var actual = result.Packages.Select(package => Join(
        [
            package.Name, (package.Rpm!.Epoch ?? 0).ToString(), package.Rpm.Version, package.Rpm.Release,
            package.Architecture ?? "", package.Rpm.SourceRpm ?? "",
        ]));

        Assert.Equal(expected.Rows.Select(Join).Order(), actual.Order());
    }

    private static string Join(string[] fields) => string.Join('\t', fields);
}
