using Drydock.Packages.Distros;

namespace Drydock.Packages.Tests.Distros;

public sealed class OsReleaseTests
{
    [Theory]
    [InlineData("plain", "ID=debian", "debian")]
    [InlineData("double quotes", "ID=\"debian\"", "debian")]
    [InlineData("single quotes", "ID='debian'", "debian")]
    [InlineData("spaces in quotes", "ID=\"Debian GNU/Linux\"", "Debian GNU/Linux")]
    [InlineData("escaped quote", "ID=\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("escaped dollar and backtick", "ID=\"a\\$b\\`c\\\\d\"", "a$b`c\\d")]
    [InlineData("other backslash kept", "ID=\"a\\nb\"", "a\\nb")]
    [InlineData("single quotes literal", "ID='a\\$b'", "a\\$b")]
    [InlineData("unquoted escape", "ID=a\\ b", "a b")]
    [InlineData("surrounding spaces", "  ID=debian  ", "debian")]
    [InlineData("empty", "ID=", "")]
    public void Parse_ReadsValue(string name, string line, string expected)
    {
        var osRelease = OsRelease.Parse(line + "\n", "/etc/os-release");

        Assert.True(osRelease.Values.TryGetValue("ID", out var value), name);
        Assert.Equal(expected, value);
        Assert.Empty(osRelease.Errors);
    }

    [Fact]
    public void Parse_SkipsCommentsAndBlankLines()
    {
        var osRelease = OsRelease.Parse("# comment\n\nID=alpine\r\n  # indented comment\nVERSION_ID=3.18.4\n", "f");

        Assert.Equal(2, osRelease.Values.Count);
        Assert.Equal("3.18.4", osRelease["VERSION_ID"]);
        Assert.Empty(osRelease.Errors);
    }

    [Theory]
    [InlineData("no equals", "JUST_TEXT")]
    [InlineData("unclosed quote", "NAME=\"Debian")]
    [InlineData("concatenation", "NAME=\"a\"\"b\"")]
    [InlineData("text after space", "NAME=a b")]
    [InlineData("bad name", "1NAME=x")]
    [InlineData("dash in name", "MY-NAME=x")]
    [InlineData("empty name", "=x")]
    public void Parse_ReportsBadLineAndKeepsOthers(string name, string line)
    {
        var osRelease = OsRelease.Parse($"ID=debian\n{line}\nVERSION_ID=12\n", "/etc/os-release");

        var error = Assert.Single(osRelease.Errors);
        Assert.Contains("/etc/os-release:2", error, StringComparison.Ordinal);
        Assert.True(osRelease["VERSION_ID"] == "12", name);
        Assert.Equal("debian", osRelease["ID"]);
    }

    [Fact]
    public void Parse_RejectsBinary()
    {
        var error = Assert.Throws<InvalidDataException>(() => OsRelease.Parse("ID=x\0\u0001", "/etc/os-release"));

        Assert.Contains("'/etc/os-release'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsHugeFile()
    {
        var text = new string('#', OsRelease.MaxLength + 1);

        Assert.Throws<InvalidDataException>(() => OsRelease.Parse(text, "/etc/os-release"));
    }
}
