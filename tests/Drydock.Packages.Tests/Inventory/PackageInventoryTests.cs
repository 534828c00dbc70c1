using Drydock.Packages.Inventory;
using Drydock.Testing;

namespace Drydock.Packages.Tests.Inventory;

public sealed class PackageInventoryTests
{
    [Fact]
    public void EmptyRoot_NoPackages()
    {
        using var root = new TemporaryRoot();

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Packages);
        Assert.Empty(result.Databases);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void SeveralDatabases_AllRead()
    {
        using var root = new TemporaryRoot()
            .Copy(SharedData.Require("pkgdb-fixtures/dpkg/claircore-postgresql.status"), "/var/lib/dpkg/status")
            .Copy(SharedData.Require("pkgdb-fixtures/apk/grype-match-coverage.installed"), "/lib/apk/db/installed")
            .Copy(SharedData.Require("pkgdb-fixtures/rpm/rhel8-libuuid.Packages"), "/var/lib/rpm/Packages");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal(["/var/lib/dpkg/status", "/lib/apk/db/installed", "/var/lib/rpm/Packages"], result.Databases);
        Assert.Equal(3, result.Packages.Count(p => p.Type == PackageType.Deb));
        Assert.Equal(3, result.Packages.Count(p => p.Type == PackageType.Apk));
        Assert.Equal(1, result.Packages.Count(p => p.Type == PackageType.Rpm));
    }

    [Theory]
    [InlineData("/var/lib/dpkg/status", true)]
    [InlineData("/var/lib/dpkg/status.d/libssl1", true)]
    [InlineData("/var/lib/dpkg/status.d/libssl1.md5sums", true)]
    [InlineData("/var/lib/dpkg/diversions", true)]
    [InlineData("/var/lib/dpkg/info/libc6:amd64.list", true)]
    [InlineData("/var/lib/dpkg/info/tar.md5sums", true)]
    [InlineData("/lib/apk/db/installed", true)]
    [InlineData("/usr/lib/apk/db/installed", true)]
    [InlineData("/var/lib/rpm/Packages", true)]
    [InlineData("/var/lib/rpm/rpmdb.sqlite", true)]
    [InlineData("/usr/lib/sysimage/rpm/Packages.db", true)]
    [InlineData("/var/lib/dpkg/info/tar.postinst", false)]
    [InlineData("/var/lib/dpkg/status-old", false)]
    [InlineData("/var/lib/dpkg/status.d/sub/dir", false)]
    [InlineData("/opt/vcpkg/installed/vcpkg/status", false)]
    [InlineData("/var/lib/rpm/Basenames", false)]
    [InlineData("/etc/os-release", false)]
    public void IsDatabasePath_OnlyDistributionPaths(string path, bool expected)
    {
        Assert.Equal(expected, PackageInventory.IsDatabasePath(path));
    }

    [Fact]
    public void Diagnostic_PrintsFileAndLine()
    {
        var diagnostic = new PackageDiagnostic("/var/lib/dpkg/status", 12, "Package 'x' has no version.");

        Assert.Equal("/var/lib/dpkg/status:12: Package 'x' has no version.", diagnostic.ToString());
    }
}
