using Drydock.Packages.Inventory;
using Drydock.Packages.Tests.Inventory;

namespace Drydock.Packages.Tests.Dpkg;

public sealed class DpkgFileListsTests
{
    private static readonly PackageInventoryOptions _withFiles = new() { IncludeFiles = true };

    [Fact]
    public void InfoList_OwnedFiles()
    {
        using var root = Root("Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34\n")
            .Write("/var/lib/dpkg/info/tar.list", "/.\n/usr\n/usr/bin\n/usr/bin/tar\n");

        var package = Assert.Single(PackageInventory.Read(root.FileSystem, _withFiles).Packages);

        Assert.Equal(["/.", "/usr", "/usr/bin", "/usr/bin/tar"], package.Files!);
    }

    [Fact]
    public void MultiArchSame_ListPerArchitecture()
    {
        var stanza = "Package: libz\nStatus: install ok installed\nMulti-Arch: same\nVersion: 1\nArchitecture: ";
        using var root = Root(stanza + "amd64\n\n" + stanza + "i386\n")
            .Write("/var/lib/dpkg/info/libz:amd64.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n")
            .Write("/var/lib/dpkg/info/libz:i386.list", "/usr/lib/i386-linux-gnu/libz.so.1\n");

        var packages = PackageInventory.Read(root.FileSystem, _withFiles).Packages;

        Assert.Equal(["/usr/lib/x86_64-linux-gnu/libz.so.1"], packages[0].Files!);
        Assert.Equal(["/usr/lib/i386-linux-gnu/libz.so.1"], packages[1].Files!);
    }

    [Fact]
    public void Md5sums_UsedWithoutList()
    {
        using var root = Root("Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34\n")
            .Write("/var/lib/dpkg/info/tar.md5sums", "0123456789abcdef0123456789abcdef  usr/bin/tar\n");

        var package = Assert.Single(PackageInventory.Read(root.FileSystem, _withFiles).Packages);

        Assert.Equal(["/usr/bin/tar"], package.Files!);
    }

    [Fact]
    public void Diversion_MovesOtherPackagesFile()
    {
        using var root = Root("""
            Package: dash
            Status: install ok installed
            Architecture: amd64
            Version: 0.5.12-2

            Package: bash
            Status: install ok installed
            Architecture: amd64
            Version: 5.2.15-2
            """)
            .Write("/var/lib/dpkg/info/dash.list", "/usr/bin/dash\n/bin/sh\n")
            .Write("/var/lib/dpkg/info/bash.list", "/usr/bin/bash\n/bin/sh\n")
            .Write("/var/lib/dpkg/diversions", "/bin/sh\n/bin/sh.distrib\ndash\n");

        var packages = PackageInventory.Read(root.FileSystem, _withFiles).Packages;

        Assert.Equal(["/usr/bin/dash", "/bin/sh"], packages[0].Files!);
        Assert.Equal(["/usr/bin/bash", "/bin/sh.distrib"], packages[1].Files!);
    }

    [Fact]
    public void LocalDiversion_MovesEveryPackagesFile()
    {
        using var root = Root("Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34\n")
            .Write("/var/lib/dpkg/info/tar.list", "/usr/bin/tar\n")
            .Write("/var/lib/dpkg/diversions", "/usr/bin/tar\n/usr/bin/tar.real\n:\n");

        var package = Assert.Single(PackageInventory.Read(root.FileSystem, _withFiles).Packages);

        Assert.Equal(["/usr/bin/tar.real"], package.Files!);
    }

    [Fact]
    public void Diversions_TruncatedEntryIsInvalidData()
    {
        using var root = Root("Package: tar\nVersion: 1.34\n")
            .Write("/var/lib/dpkg/diversions", "/bin/sh\n/bin/sh.distrib\n");

        var error = Assert.Throws<InvalidDataException>(() => PackageInventory.Read(root.FileSystem, _withFiles));

        Assert.Contains("/var/lib/dpkg/diversions", error.Message, StringComparison.Ordinal);
        Assert.Contains("'/bin/sh'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusD_ControlFilesAreNotStanzas()
    {
        using var root = new TemporaryRoot()
            .Write(
                "/var/lib/dpkg/status.d/libssl1",
                "Package: libssl1.1\nVersion: 1.1.1n-0+deb11u5\nArchitecture: amd64\n")
            .Write("/var/lib/dpkg/status.d/libssl1.md5sums", "0123456789abcdef  usr/lib/libssl.so.1.1\n")
            .Write("/var/lib/dpkg/status.d/libssl1.preinst", "#!/bin/sh\nexit 0\n")
            .Write("/var/lib/dpkg/status.d/libssl1.conffiles", "/etc/ssl/openssl.cnf\n");

        var result = PackageInventory.Read(root.FileSystem, _withFiles);

        var package = Assert.Single(result.Packages);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("libssl1.1", package.Name);
        Assert.Equal(["/usr/lib/libssl.so.1.1"], package.Files!);
    }

    private static TemporaryRoot Root(string status) => new TemporaryRoot().Write("/var/lib/dpkg/status", status);
}
