using Drydock.Packages.Inventory;
using Drydock.Packages.Tests.Inventory;

namespace Drydock.Packages.Tests.Dpkg;

public sealed class DpkgPackageParserTests
{
    private const string Status = "/var/lib/dpkg/status";

    private const string Good = """
        Package: good
        Status: install ok installed
        Architecture: amd64
        Version: 1.0-1

        """;

    [Theory]
    [InlineData("installed", "install ok installed", true)]
    [InlineData("held", "hold ok installed", true)]
    [InlineData("half-configured", "install ok half-configured", true)]
    [InlineData("triggers pending", "install ok triggers-pending", true)]
    [InlineData("triggers awaited", "install ok triggers-awaited", true)]
    [InlineData("unpacked", "install ok unpacked", true)]
    [InlineData("half-installed", "install reinstreq half-installed", true)]
    [InlineData("config files", "deinstall ok config-files", false)]
    [InlineData("not installed", "purge ok not-installed", false)]
    public void Status_DecidesPresence(string name, string status, bool present)
    {
        _ = name;
        var result = ReadStatus($"Package: foo\nStatus: {status}\nArchitecture: amd64\nVersion: 1.0\n");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(present, result.Packages.Count == 1);
    }

    [Theory]
    [InlineData("no version", "Package: bad\nStatus: install ok installed\n", "bad")]
    [InlineData("epoch not a number", "Package: bad\nVersion: a:1.0\n", "a:1.0")]
    [InlineData("empty revision", "Package: bad\nVersion: 1.0-\n", "1.0-")]
    [InlineData("space in version", "Package: bad\nVersion: 1.0 2\n", "1.0 2")]
    [InlineData("URL in source", "Package: bad\nVersion: 1.0\nSource: https://x.org/s\n", "https://x.org/s")]
    [InlineData("bad source version", "Package: bad\nVersion: 1.0\nSource: foo (x:1)\n", "x:1")]
    [InlineData("unclosed source version", "Package: bad\nVersion: 1.0\nSource: foo (1.0\n", "foo (1.0")]
    [InlineData("name with slash", "Package: bad/name\nVersion: 1.0\n", "bad/name")]
    [InlineData("name starting with dash", "Package: -bad\nVersion: 1.0\n", "-bad")]
    [InlineData("status of two words", "Package: bad\nStatus: install ok\nVersion: 1.0\n", "install ok")]
    [InlineData("unknown state", "Package: bad\nStatus: install ok sideways\nVersion: 1.0\n", "sideways")]
    public void MalformedRecord_ReportedWithLineAndValue(string name, string stanza, string value)
    {
        _ = name;
        var result = ReadStatus(Good + "\n" + stanza + "\n" + Good.Replace("good", "after", StringComparison.Ordinal));

        Assert.Equal(["good", "after"], result.Packages.Select(p => p.Name));
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(Status, diagnostic.File);
        Assert.Equal(6, diagnostic.Line);
        Assert.Contains($"'{value}'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no source", null, "foo", "1:2.0-1+b1")]
    [InlineData("source name only", "bar", "bar", "1:2.0-1+b1")]
    [InlineData("source with version", "bar (2.0-1)", "bar", "2.0-1")]
    [InlineData("source version with epoch", "bar (1:2.0-1)", "bar", "1:2.0-1")]
    [InlineData("extra spaces", "bar   ( 2.0-1 ) ", "bar", "2.0-1")]
    public void Source_NameAndVersion(string name, string? source, string sourceName, string sourceVersion)
    {
        _ = name;
        var sourceLine = source is null ? "" : $"Source: {source}\n";
        var result = ReadStatus($"Package: foo\nVersion: 1:2.0-1+b1\n{sourceLine}");

        var package = Assert.Single(result.Packages);
        Assert.Equal(sourceName, package.SourceName);
        Assert.Equal(sourceVersion, package.SourceVersion);
    }

    [Fact]
    public void MultiArchSame_OncePerArchitecture()
    {
        var stanza = "Package: libc6\nStatus: install ok installed\nMulti-Arch: same\nVersion: 2.36-9\nArchitecture: ";
        var result = ReadStatus(stanza + "amd64\n\n" + stanza + "i386\n\n" + stanza + "amd64\n");

        Assert.Equal(["libc6:amd64", "libc6:i386"], result.Packages.Select(p => $"{p.Name}:{p.Architecture}"));
        Assert.All(result.Packages, package => Assert.Equal("same", package.Dpkg!.MultiArch));
        var duplicate = Assert.Single(result.Diagnostics);
        Assert.Equal(13, duplicate.Line);
    }

    [Fact]
    public void Fields_Copied()
    {
        var result = ReadStatus("""
            Package: tar
            Status: install ok installed
            Installed-Size: 3152
            Maintainer: Janos Lenart <ocsi@debian.org>
            Architecture: amd64
            Multi-Arch: foreign
            Version: 1.34+dfsg-1.2+deb12u1
            """);

        var package = Assert.Single(result.Packages);
        Assert.Equal(PackageType.Deb, package.Type);
        Assert.Equal(3152 * 1024, package.InstalledSize);
        Assert.Equal("Janos Lenart <ocsi@debian.org>", package.Maintainer);
        Assert.Equal("foreign", package.Dpkg!.MultiArch);
        Assert.Null(package.License);
        Assert.Equal(Status, package.Database);
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("blank lines", "\n\n \n\t\n")]
    [InlineData("comment only", "# nothing\n")]
    public void EmptyDatabase_NoPackages(string name, string content)
    {
        _ = name;
        var result = ReadStatus(content);

        Assert.Empty(result.Packages);
        Assert.Empty(result.Diagnostics);
        Assert.Equal([Status], result.Databases);
    }

    [Theory]
    [InlineData("continuation before a field", " orphan continuation\nPackage: x\nVersion: 1\n")]
    [InlineData("line without colon", "Package: x\ngarbage line\nVersion: 1\n")]
    [InlineData("binary garbage", "\u0001\u0002\u0003\nPackage: x\nVersion: 1\n")]
    public void DamagedStanza_Reported(string name, string content)
    {
        _ = name;
        var result = ReadStatus(content + "\n" + Good);

        Assert.Equal(["good"], result.Packages.Select(p => p.Name));
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void TruncatedFile_LastStanzaStillChecked()
    {
        var result = ReadStatus(Good + "\nPackage: cut\nStatus: install ok inst");

        Assert.Equal(["good"], result.Packages.Select(p => p.Name));
        Assert.Single(result.Diagnostics);
    }

    private static PackageInventoryResult ReadStatus(string content)
    {
        using var root = new TemporaryRoot().Write(Status, content);
        return PackageInventory.Read(root.FileSystem);
    }
}
