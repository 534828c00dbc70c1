using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Tests.Apt;

public sealed class SourcesTests
{
    [Fact]
    public void OneLine_WithOptions()
    {
        var source = SourcesListParser.ParseLine(
            "deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main contrib");

        Assert.True(source.IsBinary);
        Assert.Equal("http://deb.debian.org/debian/", source.BaseUri.ToString());
        Assert.Equal("bookworm", source.Suite);
        Assert.Equal(["main", "contrib"], source.Components);
        Assert.Equal(["amd64", "arm64"], source.Architectures);
        Assert.Equal(["/usr/share/keyrings/debian-archive-keyring.gpg"], source.SignedBy!.KeyringPaths);
        Assert.Equal("http://deb.debian.org/debian/dists/bookworm/InRelease", source.SuiteFileUri("InRelease").ToString());
    }

    [Fact]
    public void OneLine_FlatRepository()
    {
        var source = SourcesListParser.ParseLine("deb file:///srv/repo ./");

        Assert.True(source.IsFlat);
        Assert.Empty(source.Components);
        Assert.Equal("file:///srv/repo/Packages.xz", source.SuiteFileUri("Packages.xz").ToString());
    }

    [Fact]
    public void File_SkipsCommentsAndNumbersLines()
    {
        var text = "# comment\n\ndeb http://deb.debian.org/debian bookworm main # trailing\ndeb-src http://deb.debian.org/debian bookworm main\n";

        var sources = SourcesListParser.ParseFile(new StringReader(text), "/etc/apt/sources.list");

        Assert.Equal(2, sources.Count);
        Assert.Equal("/etc/apt/sources.list:3", sources[0].Location);
        Assert.False(sources[1].IsBinary);
    }

    [Theory]
    [InlineData("rpm http://example.invalid/ x main", "rpm")]
    [InlineData("deb http://deb.debian.org/debian", "deb http://deb.debian.org/debian")]
    [InlineData("deb [arch=amd64 http://deb.debian.org/debian bookworm main", "deb [arch=amd64")]
    [InlineData("deb ftp://deb.debian.org/debian bookworm main", "ftp://deb.debian.org/debian")]
    [InlineData("deb http://deb.debian.org/debian bookworm", "bookworm")]
    [InlineData("deb [signed-by=relative.gpg] http://deb.debian.org/debian bookworm main", "relative.gpg")]
    [InlineData("deb [trusted=maybe] http://deb.debian.org/debian bookworm main", "maybe")]
    public void OneLine_Invalid(string line, string value)
    {
        var error = Assert.Throws<InvalidDataException>(() => SourcesListParser.ParseLine(line));

        Assert.Contains($"'{value}", error.Message);
    }

    [Fact]
    public void Deb822_ExpandsUrisAndSuites()
    {
        var text = "Types: deb deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n" +
            "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n" +
            "Enabled: no\nTypes: deb\nURIs: http://deb.debian.org/debian\nSuites: sid\nComponents: main\n";

        var sources = Deb822SourcesParser.Parse(new StringReader(text), "debian.sources");

        Assert.Equal(4, sources.Count);
        Assert.Equal(["bookworm", "bookworm-updates", "bookworm", "bookworm-updates"], sources.Select(s => s.Suite));
        Assert.Equal(2, sources.Count(s => s.IsBinary));
        Assert.DoesNotContain(sources, s => s.Suite == "sid");
    }

    [Fact]
    public void Deb822_InlineKeyAndFingerprints()
    {
        var text = "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n" +
            "Signed-By: -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mDMEZ\n -----END PGP PUBLIC KEY BLOCK-----\n\n" +
            "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n" +
            "Signed-By: 4D64FEC119C2029067D6E791F8D2585B8783D481 B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8!\n";

        var sources = Deb822SourcesParser.Parse(new StringReader(text), "inline.sources");

        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n", sources[0].SignedBy!.InlineKey);
        Assert.Equal(
            ["4D64FEC119C2029067D6E791F8D2585B8783D481", "B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8!"],
            sources[1].SignedBy!.Fingerprints);
    }

    [Theory]
    [InlineData("URIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n", "Types")]
    [InlineData("Types: deb\nSuites: bookworm\nComponents: main\n", "URIs")]
    [InlineData("Types: deb\nURIs: http://deb.debian.org/debian\nComponents: main\n", "Suites")]
    [InlineData("Types: udeb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n", "udeb")]
    [InlineData("Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nEnabled: perhaps\n", "perhaps")]
    public void Deb822_Invalid(string text, string value)
    {
        var error = Assert.Throws<InvalidDataException>(() => Deb822SourcesParser.Parse(new StringReader(text), "bad.sources"));

        Assert.Contains("bad.sources:1", error.Message);
        Assert.Contains(value, error.Message);
    }

    [Fact]
    public void ImageSources_ReadsThisMachine()
    {
        if (!File.Exists("/etc/apt/sources.list.d/debian.sources"))
        {
            Assert.Skip("This machine has no /etc/apt/sources.list.d/debian.sources.");
        }

        var sources = ImageSources.Read(new DirectoryRootFileSystem("/"));

        Assert.Contains(sources, s => s.Suite == "bookworm-security" && s.BaseUri.Host == "deb.debian.org");
        Assert.All(sources, s => Assert.NotNull(s.SignedBy));
    }
}
