using System.Diagnostics;
using System.Formats.Tar;
using Drydock.Packages.Deb;
using Drydock.Testing.Debs;

namespace Drydock.Packages.Tests.Deb;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DebExtractorTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("drydock-extract-").FullName;

    public void Dispose() => Directory.Delete(_temp, true);

    [Theory]
    [InlineData("libexpat1")]
    [InlineData("openssl")]
    public void Extract_MatchesDpkgDebExtract(string package)
    {
        var deb = DebFixtures.Require(package);
        var expected = Path.Combine(_temp, "dpkg");
        var actual = Path.Combine(_temp, "drydock");
        Directory.CreateDirectory(expected);
        Run("dpkg-deb", "-x", deb, expected);

        DebExtractor.Extract(deb, actual);

        Assert.Equal(Describe(expected), Describe(actual));
    }

    [Fact]
    public void Extract_RejectsExistingDestination()
    {
        var deb = DebFixtures.Require("libexpat1");

        var error = Assert.Throws<IOException>(() => DebExtractor.Extract(deb, _temp));

        Assert.Contains(_temp, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_HostilePackageLeavesNothing()
    {
        var deb = Path.Combine(_temp, "hostile.deb");
        File.WriteAllBytes(deb, DebBuilder.Deb(
            DebBuilder.Directory("./"),
            DebBuilder.File("./usr/share/ok", "fine"),
            DebBuilder.Link(TarEntryType.SymbolicLink, "./etc", "/"),
            DebBuilder.File("./etc/evil", "x")));
        var destination = Path.Combine(_temp, "out");

        var error = Assert.Throws<IOException>(() => DebExtractor.Extract(deb, destination));

        Assert.Contains("'./etc/evil'", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(destination));
        Assert.Equal(["hostile.deb"], Directory.GetFileSystemEntries(_temp).Select(Path.GetFileName));
    }

    [Fact]
    public void Extract_LaterEntryReplacesLinkWithoutFollowingIt()
    {
        var outside = Path.Combine(_temp, "outside");
        File.WriteAllText(outside, "untouched");
        var deb = Path.Combine(_temp, "replace.deb");
        File.WriteAllBytes(deb, DebBuilder.Deb(
            DebBuilder.Link(TarEntryType.SymbolicLink, "./a", outside),
            DebBuilder.File("./a", "replaced")));
        var destination = Path.Combine(_temp, "out");

        DebExtractor.Extract(deb, destination);

        Assert.Equal("untouched", File.ReadAllText(outside));
        Assert.Equal("replaced", File.ReadAllText(Path.Combine(destination, "a")));
    }

    [Fact]
    public void Extract_HardLinkSharesContent()
    {
        var deb = Path.Combine(_temp, "links.deb");
        File.WriteAllBytes(deb, DebBuilder.Deb(
            DebBuilder.File("./usr/bin/tool", "binary"),
            DebBuilder.Link(TarEntryType.HardLink, "./usr/bin/tool2", "./usr/bin/tool")));
        var destination = Path.Combine(_temp, "out");

        DebExtractor.Extract(deb, destination);

        Assert.Equal("binary", File.ReadAllText(Path.Combine(destination, "usr/bin/tool2")));
    }

    /// <summary>Lists every path under a root with its type, mode, size and link target.</summary>
    private static List<string> Describe(string root)
    {
        var lines = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            var relative = Path.GetRelativePath(root, path);
            var mode = File.GetUnixFileMode(path);
            lines.Add(info.LinkTarget is { } target ? $"{relative} -> {target}"
                : Directory.Exists(path) ? $"{relative}/ {mode}"
                : $"{relative} {mode} {info.Length} {info.LastWriteTimeUtc:O}");
        }

        return lines;
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {stderr}");
    }
}
