using Drydock.Packages.Deb822;
using Drydock.Testing;

namespace Drydock.Packages.Tests.Deb822;

public sealed class Deb822ReaderTests
{
    [Fact]
    public void Parse_ReadsParagraphsAndLineNumbers()
    {
        const string text = "Package: a\nVersion: 1.0\n\n\nPackage: b\nVersion: 2.0\n";

        var paragraphs = Deb822Reader.Parse(text);

        Assert.Equal(2, paragraphs.Count);
        Assert.Equal(1, paragraphs[0].LineNumber);
        Assert.Equal(5, paragraphs[1].LineNumber);
        Assert.Equal("b", paragraphs[1]["Package"]);
        Assert.Equal(6, paragraphs[1].Find("Version")!.Value.LineNumber);
    }

    [Fact]
    public void Parse_KeepsFieldOrderAndIgnoresNameCase()
    {
        var paragraph = Deb822Reader.Parse("Package: a\nStatus: install ok installed\nversion: 1\n")[0];

        Assert.Equal(["Package", "Status", "version"], paragraph.Fields.Select(f => f.Name));
        Assert.Equal("1", paragraph["VERSION"]);
        Assert.Null(paragraph["Missing"]);
        Assert.False(paragraph.TryGetValue("Missing", out _));
    }

    [Fact]
    public void Parse_JoinsContinuationLines()
    {
        const string text = "Description: short\n long line one\n .\n\tline two  \nConffiles:\n /etc/a 0123\n";

        var paragraph = Deb822Reader.Parse(text)[0];

        Assert.Equal("short\nlong line one\n.\nline two", paragraph["Description"]);
        Assert.Equal("\n/etc/a 0123", paragraph["Conffiles"]);
    }

    [Fact]
    public void Parse_TrimsValuesAndAcceptsColonsInValues()
    {
        var paragraph = Deb822Reader.Parse("Version:   1:2.38-1  \nHomepage: https://x/\n")[0];

        Assert.Equal("1:2.38-1", paragraph["Version"]);
        Assert.Equal("https://x/", paragraph["Homepage"]);
    }

    [Fact]
    public void Parse_TreatsWhitespaceLinesAsSeparators()
    {
        var paragraphs = Deb822Reader.Parse("\n \t\nA: 1\n \t \nB: 2\n\n");

        Assert.Equal(2, paragraphs.Count);
        Assert.Equal(3, paragraphs[0].LineNumber);
        Assert.Equal(5, paragraphs[1].LineNumber);
    }

    [Fact]
    public void Parse_SkipsComments()
    {
        var paragraphs = Deb822Reader.Parse("# header\nTypes: deb\n# inside\nURIs: http://x\n");

        Assert.Single(paragraphs);
        Assert.Equal(2, paragraphs[0].LineNumber);
        Assert.Equal(2, paragraphs[0].Fields.Count);
    }

    [Fact]
    public void Parse_CrLfLineEndings()
    {
        var paragraph = Deb822Reader.Parse("A: 1\r\nB: two\r\n three\r\n")[0];

        Assert.Equal("two\nthree", paragraph["B"]);
    }

    [Fact]
    public void Parse_EmptyInputHasNoParagraphs()
    {
        Assert.Empty(Deb822Reader.Parse(""));
        Assert.Empty(Deb822Reader.Parse("\n\n# only a comment\n"));
    }

    [Theory]
    [InlineData("no colon", "Package: a\nnot a field\nVersion: 1\n", 2)]
    [InlineData("empty name", "Package: a\n: value\n", 2)]
    [InlineData("space in name", "Package: a\nBad Name: value\n", 2)]
    [InlineData("leading continuation", " orphan\nPackage: a\n", 1)]
    [InlineData("duplicate field", "Package: a\nVersion: 1\nversion: 2\n", 3)]
    public void Parse_RecordsMalformedLines(string name, string text, int errorLine)
    {
        var paragraph = Assert.Single(Deb822Reader.Parse(text));

        var error = Assert.Single(paragraph.Errors);
        Assert.True(errorLine == error.LineNumber, name);
        Assert.Equal("a", paragraph["Package"]);
    }

    [Fact]
    public void Parse_DuplicateKeepsFirstValue()
    {
        var paragraph = Deb822Reader.Parse("Package: a\nPackage: b\n")[0];

        Assert.Equal("a", paragraph["Package"]);
        Assert.Contains("'Package'", paragraph.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadParagraphDoesNotHideOthers()
    {
        var paragraphs = Deb822Reader.Parse("Package: a\n\ngarbage\n\nPackage: c\n");

        Assert.Equal(3, paragraphs.Count);
        Assert.Empty(paragraphs[1].Fields);
        Assert.Equal(3, paragraphs[1].Errors[0].LineNumber);
        Assert.Equal("c", paragraphs[2]["Package"]);
    }

    [Fact]
    public void Read_RealDpkgStatus()
    {
        var root = SharedData.Require("pkgdb-fixtures/dpkg/debian12-minbase-debootstrap");
        using var reader = File.OpenText(Path.Combine(root, "var/lib/dpkg/status"));

        var paragraphs = Deb822Reader.ReadAll(reader).ToList();

        var expected = File.ReadLines(Path.Combine(root, "dpkg-query.tsv")).Count(l => !l.StartsWith('#')) - 1;
        Assert.Equal(expected, paragraphs.Count);
        Assert.All(paragraphs, p => Assert.Empty(p.Errors));
        Assert.All(paragraphs, p => Assert.NotNull(p["Package"]));
    }
}
