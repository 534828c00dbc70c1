using System.Diagnostics;
using System.Formats.Tar;
using Drydock.Packages.Deb;
using Drydock.Testing.Debs;

namespace Drydock.Packages.Tests.Deb;

public sealed class DebArchiveReaderTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("drydock-deb-").FullName;

    public void Dispose() => Directory.Delete(_temp, true);

    [Fact]
    public void Open_RealPackageControl()
    {
        var path = DebFixtures.Require("libexpat1");

        using var reader = DebArchiveReader.Open(path);
        var package = reader.Package;

        Assert.Equal("2.0", package.FormatVersion);
        Assert.Equal("libexpat1", package.Name);
        Assert.Equal(Run("dpkg-deb", "-f", path, "Version").Trim(), package.Version);
        Assert.Equal("expat", package.Control["Source"]);
        Assert.Equal("same", package.Control["Multi-Arch"]);
        Assert.Equal("xz", package.ControlCompression);
        Assert.Contains(package.Md5Sums.Keys, k => k.StartsWith("lib/x86_64-linux-gnu/libexpat.so.1", StringComparison.Ordinal));
        Assert.Contains(package.Triggers, t => t.StartsWith("activate-noawait ldconfig", StringComparison.Ordinal));
        Assert.Contains(package.Shlibs, s => s.StartsWith("libexpat 1 libexpat1", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_ConffilesAndScripts()
    {
        var path = DebFixtures.Require("openssl");

        using var reader = DebArchiveReader.Open(path);

        Assert.Contains("/etc/ssl/openssl.cnf", reader.Package.Conffiles);
        Assert.True(reader.Package.MaintainerScripts.ContainsKey("postinst"));
        Assert.StartsWith("#!", reader.Package.ReadText("postinst"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xz")]
    [InlineData("gzip")]
    [InlineData("zstd")]
    [InlineData("none")]
    public void ReadDataEntries_MatchesDpkgListing(string compression)
    {
        var path = Repack(DebFixtures.Require("openssl"), compression);
        var expected = ListWithTar(path);

        using var reader = DebArchiveReader.Open(path);
        var actual = reader.ReadDataEntries().Select(e => e.Path).ToList();

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("libexpat1", "liblzma")]
    [InlineData("libexpat1", "sharpcompress")]
    [InlineData("openssl", "liblzma")]
    [InlineData("openssl", "sharpcompress")]
    public void ReadDataEntries_ContentMatchesMd5Sums(string package, string decoder)
    {
        var path = DebFixtures.Require(package);

        using var reader = DebArchiveReader.Open(path, Decoder(decoder));
        var sums = reader.Package.Md5Sums;
        var conffiles = reader.Package.Conffiles.Select(c => c.TrimStart('/')).ToHashSet();
        var checkedFiles = 0;
        foreach (var entry in reader.ReadDataEntries().Where(e => e.IsRegularFile && !conffiles.Contains(e.Path)))
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(entry.Content!));
            Assert.Equal(sums[entry.Path], hash);
            checkedFiles++;
        }

        Assert.Equal(sums.Count, checkedFiles);
    }

    [Theory]
    [InlineData("absolute", "/etc/passwd")]
    [InlineData("dot-dot", "./usr/../../etc/passwd")]
    [InlineData("inner dot-dot", "./usr/../etc/passwd")]
    public void ReadDataEntries_RejectsHostileName(string name, string entryName)
    {
        var bytes = DebBuilder.Deb(DebBuilder.Directory("./"), DebBuilder.File(entryName, "x"));

        var error = Assert.Throws<IOException>(() => ReadAll(bytes, "hostile.deb"));

        Assert.True(error.Message.Contains("'hostile.deb'", StringComparison.Ordinal), name);
        Assert.Contains($"'{entryName}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDataEntries_RejectsEscapingSymbolicLink()
    {
        var bytes = DebBuilder.Deb(DebBuilder.Link(TarEntryType.SymbolicLink, "./usr/lib/evil", "../../../etc"));

        var error = Assert.Throws<IOException>(() => ReadAll(bytes, "hostile.deb"));

        Assert.Contains("'./usr/lib/evil'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDataEntries_RejectsEntryBeneathOwnLink()
    {
        var bytes = DebBuilder.Deb(
            DebBuilder.Link(TarEntryType.SymbolicLink, "./etc", "/tmp"),
            DebBuilder.File("./etc/cron.d/evil", "x"));

        var error = Assert.Throws<IOException>(() => ReadAll(bytes, "hostile.deb"));

        Assert.Contains("'./etc/cron.d/evil'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDataEntries_RejectsUnknownHardLink()
    {
        var bytes = DebBuilder.Deb(DebBuilder.Link(TarEntryType.HardLink, "./usr/bin/x", "/etc/shadow"));

        var error = Assert.Throws<IOException>(() => ReadAll(bytes, "hostile.deb"));

        Assert.Contains("'./usr/bin/x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDataEntries_AcceptsOrdinaryLinks()
    {
        var bytes = DebBuilder.Deb(
            DebBuilder.Directory("./"),
            DebBuilder.File("./usr/bin/tool", "x"),
            DebBuilder.Link(TarEntryType.HardLink, "./usr/bin/tool2", "./usr/bin/tool"),
            DebBuilder.Link(TarEntryType.SymbolicLink, "./usr/bin/editor", "/etc/alternatives/editor"),
            DebBuilder.Link(TarEntryType.SymbolicLink, "./usr/lib/libx.so", "../../lib/libx.so.1"));

        var paths = ReadAll(bytes, "ok.deb");

        Assert.Equal(["", "usr/bin/tool", "usr/bin/tool2", "usr/bin/editor", "usr/lib/libx.so"], paths);
    }

    [Theory]
    [InlineData("no debian-binary first", "control")]
    [InlineData("wrong format version", "version")]
    [InlineData("no control member", "nocontrol")]
    [InlineData("unknown compression", "bz2")]
    [InlineData("two control paragraphs", "paragraphs")]
    [InlineData("no control file", "nocontrolfile")]
    public void Open_RejectsMalformedPackage(string name, string variant)
    {
        byte[] control = DebBuilder.TarGz(DebBuilder.File("./control", DebBuilder.Control));
        byte[] bytes = variant switch
        {
            "control" => DebBuilder.Ar(("control.tar.gz", control)),
            "version" => DebBuilder.Ar(("debian-binary", "3.0\n"u8.ToArray()), ("control.tar.gz", control)),
            "nocontrol" => DebBuilder.Ar(("debian-binary", "2.0\n"u8.ToArray())),
            "bz2" => DebBuilder.Ar(("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.bz2", control)),
            "paragraphs" => DebBuilder.Ar(
                ("debian-binary", "2.0\n"u8.ToArray()),
                ("control.tar.gz", DebBuilder.TarGz(DebBuilder.File("./control", "Package: a\n\nPackage: b\n")))),
            _ => DebBuilder.Ar(
                ("debian-binary", "2.0\n"u8.ToArray()),
                ("control.tar.gz", DebBuilder.TarGz(DebBuilder.File("./md5sums", "")))),
        };

        var error = Assert.Throws<InvalidDataException>(() => DebArchiveReader.Open(new MemoryStream(bytes), "bad.deb"));

        Assert.True(error.Message.Contains("'bad.deb'", StringComparison.Ordinal), name);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void ReadDataEntries_RejectsTruncatedPackage(double fraction)
    {
        var bytes = File.ReadAllBytes(DebFixtures.Require("openssl"));
        var truncated = bytes[..(int)(bytes.Length * fraction)];

        var error = Assert.Throws<InvalidDataException>(() => ReadAll(truncated, "cut.deb"));

        Assert.Contains("cut.deb", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("liblzma")]
    [InlineData("sharpcompress")]
    public void ReadDataEntries_RejectsCorruptXz(string decoder)
    {
        var bytes = File.ReadAllBytes(DebFixtures.Require("openssl"));
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
        {
            bytes[i] ^= 0x5a;
        }

        Assert.ThrowsAny<InvalidDataException>(() => ReadAll(bytes, "corrupt.deb", Decoder(decoder)));
    }

    private static List<string> ReadAll(byte[] bytes, string name, XzDecoder decoder = XzDecoder.Automatic)
    {
        using var reader = DebArchiveReader.Open(new MemoryStream(bytes), name, decoder);
        var paths = new List<string>();
        foreach (var entry in reader.ReadDataEntries())
        {
            entry.Content?.CopyTo(Stream.Null);
            paths.Add(entry.Path);
        }

        return paths;
    }

    private static XzDecoder Decoder(string name) => name == "liblzma" ? XzDecoder.Liblzma : XzDecoder.SharpCompress;

    private List<string> ListWithTar(string debPath)
    {
        var tarPath = Path.Combine(_temp, Path.GetFileName(debPath) + ".tar");
        Run("sh", "-c", $"dpkg-deb --fsys-tarfile '{debPath}' > '{tarPath}'");
        return Run("tar", "-tf", tarPath).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.TrimStart('.').Trim('/'))
            .ToList();
    }

    private string Repack(string debPath, string compression)
    {
        var tree = Path.Combine(_temp, "tree-" + compression);
        var output = Path.Combine(_temp, $"repacked-{compression}.deb");
        Run("dpkg-deb", "-R", debPath, tree);
        Run("dpkg-deb", "--root-owner-group", $"-Z{compression}", "-b", tree, output);
        return output;
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {stderr.Result}");
    }
}
