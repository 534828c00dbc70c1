// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026
using Drydock.Packages.Apt;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Tests.Apt;

/// <summary>APT::Install-Recommends as apt.conf(5) files set it.</summary>
public sealed class AptConfigurationTests
{
    [Theory]
    [InlineData("quoted false", "APT::Install-Recommends \"false\";", false)]
    [InlineData("zero", "APT::Install-Recommends \"0\";", false)]
    [InlineData("true", "APT::Install-Recommends \"true\";", true)]
    [InlineData("other case", "apt::install-recommends \"False\";", false)]
    [InlineData("unquoted", "APT::Install-Recommends false;", false)]
    [InlineData("scope", "APT { Install-Recommends \"0\"; Install-Suggests \"0\"; };", false)]
    [InlineData("nested scope", "APT { Get { Assume-Yes \"1\"; }; Install-Recommends \"no\"; };", false)]
    [InlineData("last wins", "APT::Install-Recommends \"0\";\nAPT::Install-Recommends \"1\";", true)]
    [InlineData("comments", "// APT::Install-Recommends \"1\";\n/* \"1\"; */ APT::Install-Recommends \"0\"; # x", false)]
    [InlineData("another option", "APT::Install-Suggests \"false\";", null)]
    [InlineData("unknown word", "APT::Install-Recommends \"maybe\";", null)]
    [InlineData("empty", "", null)]
    public void InstallRecommends_Parses(string row, string text, bool? expected)
    {
        Assert.Equal(expected, AptConfiguration.InstallRecommends(text, "99test"));
    }

    [Theory]
    [InlineData("unclosed quote", "APT::Install-Recommends \"false;\n")]
    [InlineData("unclosed comment", "/* APT::Install-Recommends \"false\";")]
    [InlineData("unclosed scope", "APT { Install-Recommends \"false\";")]
    [InlineData("extra brace", "APT::Install-Recommends \"false\"; };")]
    public void InstallRecommends_CorruptFileNamesIt(string row, string text)
    {
        var error = Assert.Throws<InvalidDataException>(() => AptConfiguration.InstallRecommends(text, "99broken"));

        Assert.Contains("99broken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InstallRecommends_ReadsPartsThenAptConf()
    {
        using var directory = new TemporaryDirectory();
        Write(directory, "etc/apt/apt.conf.d/10on", "APT::Install-Recommends \"1\";");
        Write(directory, "etc/apt/apt.conf.d/20off", "APT::Install-Recommends \"0\";");
        Write(directory, "etc/apt/apt.conf.d/30ignored.disabled", "APT::Install-Recommends \"1\";");

        Assert.False(AptConfiguration.InstallRecommends(new DirectoryRootFileSystem(directory.Path)));

        Write(directory, "etc/apt/apt.conf", "APT::Install-Recommends \"true\";");
        Assert.True(AptConfiguration.InstallRecommends(new DirectoryRootFileSystem(directory.Path)));
    }

    [Fact]
    public void InstallRecommends_DefaultsToTrue()
    {
        using var directory = new TemporaryDirectory();

        Assert.True(AptConfiguration.InstallRecommends(new DirectoryRootFileSystem(directory.Path)));
    }

    private static void Write(TemporaryDirectory directory, string path, string text)
    {
        var full = Path.Combine(directory.Path, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }
}
