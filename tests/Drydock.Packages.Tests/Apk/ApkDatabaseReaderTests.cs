using Drydock.Packages.Inventory;
using Drydock.Packages.Tests.Inventory;
using Drydock.Packages.Versions;
using Drydock.Testing;

namespace Drydock.Packages.Tests.Apk;

public sealed class ApkDatabaseReaderTests
{
    private const string Installed = "/lib/apk/db/installed";

    [Theory]
    [InlineData("alpine-3.16-base.installed", 14)]
    [InlineData("alpine-3.18-base.installed", 15)]
    [InlineData("apko-root.installed", 14)]
    [InlineData("wolfi-base.installed", 15)]
    [InlineData("grype-match-coverage.installed", 3)]
    public void Fixture_ListsEveryRecord(string fixture, int count)
    {
        using var root = RootWith(fixture, Installed);

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(count, result.Packages.Count);
        Assert.All(result.Packages, package => Assert.Equal(PackageType.Apk, package.Type));
    }

    [Fact]
    public void Alpine318_FieldsOfLibcrypto3()
    {
        using var root = RootWith("alpine-3.18-base.installed", Installed);

        var package = PackageInventory.Read(root.FileSystem).Packages.Single(p => p.Name == "libcrypto3");

        Assert.Equal("3.1.0-r4", package.Version);
        Assert.Equal("x86_64", package.Architecture);
        Assert.Equal("openssl", package.SourceName);
        Assert.Equal("3.1.0-r4", package.SourceVersion);
        Assert.Equal("Apache-2.0", package.License);
        Assert.Equal("Ariadne Conill <ariadne@dereferenced.org>", package.Maintainer);
        Assert.Equal(4567040, package.InstalledSize);
        Assert.Equal("730b75e01c670e3dba5d6c05420b5f605edb6201", package.Apk!.Commit);
        Assert.Equal(1682007785, package.Apk.BuildTime);
        Assert.Equal(Installed, package.Database);
    }

    [Fact]
    public void Wolfi_ReadFromUsrLib()
    {
        using var root = RootWith("wolfi-base.installed", "/usr/lib/apk/db/installed");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal(["/usr/lib/apk/db/installed"], result.Databases);
        var glibc = result.Packages.Where(p => p.SourceName == "glibc").Select(p => p.Name).Order();
        Assert.Equal(["glibc", "glibc-locale-posix", "ld-linux", "libcrypt1"], glibc);
    }

    [Fact]
    public void LinkedDatabase_ReadOnce()
    {
        using var root = RootWith("alpine-3.18-base.installed", Installed);
        root.Link("/usr/lib/apk/db/installed", "../../../../lib/apk/db/installed");

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal([Installed], result.Databases);
        Assert.Equal(15, result.Packages.Count);
    }

    [Fact]
    public void MergedUsr_ReadOnce()
    {
        using var root = RootWith("wolfi-base.installed", "/usr/lib/apk/db/installed");
        root.Link("/lib", "usr/lib");

        Assert.Equal(15, PackageInventory.Read(root.FileSystem).Packages.Count);
    }

    [Fact]
    public void InvalidEntry_ReportedWithLineAndOthersListed()
    {
        using var root = RootWith("trivy-alpine-3.x-with-invalid-entry.installed", Installed);

        var result = PackageInventory.Read(root.FileSystem);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(Installed, diagnostic.File);
        Assert.Equal(23, diagnostic.Line);
        Assert.Contains("invalidPackageWithoutAVersion", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(15, result.Packages.Count);
        Assert.Contains(result.Packages, package => package is { Name: "busybox", Version: "1.24.2-r9" });
    }

    [Fact]
    public void Files_JoinDirectoryAndName()
    {
        using var root = RootWith("grype-match-coverage.installed", Installed);
        var options = new PackageInventoryOptions { IncludeFiles = true };

        var package = PackageInventory.Read(root.FileSystem, options).Packages.Single(p => p.Name == "libvncserver");

        Assert.Contains("/usr/lib/libvncserver.so.1.0.0", package.Files!);
        Assert.Equal(4, package.Files!.Count);
    }

    [Fact]
    public void ParsedVersion_ComparesByApkRules()
    {
        using var root = RootWith("alpine-3.18-base.installed", Installed);

        var packages = PackageInventory.Read(root.FileSystem).Packages;

        var busybox = packages.Single(p => p.Name == "busybox").Apk!.ParsedVersion;
        Assert.Equal("1.36.0-r9", busybox.ToString());
        Assert.True(busybox < ApkVersion.Parse("1.36.0-r10"));
    }

    [Fact]
    public void MissingOrigin_SourceIsPackage()
    {
        using var root = new TemporaryRoot().Write(Installed, "P:foo\nV:1.0-r0\nA:x86_64\n");

        var package = Assert.Single(PackageInventory.Read(root.FileSystem).Packages);

        Assert.Equal("foo", package.SourceName);
    }

    [Theory]
    [InlineData("empty file", "", 0, 0)]
    [InlineData("blank lines only", "\n\n\n", 0, 0)]
    [InlineData("no name", "V:1.0-r0\n\nP:ok\nV:1-r0\n", 1, 1)]
    [InlineData("line without colon", "P:bad\nV:1-r0\ngarbage\n\nP:ok\nV:1-r0\n", 1, 1)]
    [InlineData("truncated last record", "P:ok\nV:1-r0\n\nP:cut", 1, 1)]
    [InlineData("empty version", "P:bad\nV:\n", 0, 1)]
    [InlineData("version apk rejects", "P:bad\nV:abc\n\nP:ok\nV:1.2_rc1-r0\n", 1, 1)]
    public void CorruptInput_Reported(string name, string content, int packages, int diagnostics)
    {
        _ = name;
        using var root = new TemporaryRoot().Write(Installed, content);

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal(packages, result.Packages.Count);
        Assert.Equal(diagnostics, result.Diagnostics.Count);
    }

    [Fact]
    public void BinaryFile_IsInvalidData()
    {
        using var root = new TemporaryRoot().Write(Installed, [0x50, 0x3a, 0x00, 0x01, 0x0a]);

        var error = Assert.Throws<InvalidDataException>(() => PackageInventory.Read(root.FileSystem));

        Assert.Contains(Installed, error.Message, StringComparison.Ordinal);
    }

    private static TemporaryRoot RootWith(string fixture, string path) =>
        new TemporaryRoot().Copy(SharedData.Require("pkgdb-fixtures/apk/" + fixture), path);
}
