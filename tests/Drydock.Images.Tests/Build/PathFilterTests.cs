using Drydock.Images.Build;

namespace Drydock.Images.Tests.Build;

public sealed class PathFilterTests
{
    private static readonly PathFilter _defaults = new(new SpecPaths());

    [Theory]
    [InlineData("usr/bin/openssl", false, true)]
    [InlineData("usr/share/doc/libc6/copyright", false, true)]
    [InlineData("usr/share/doc/libssl3", true, true)]
    [InlineData("usr/share/doc/libc6/changelog.Debian.gz", false, false)]
    [InlineData("usr/share/doc/libc6", false, false)]
    [InlineData("usr/share/man/man1/openssl.1ssl.gz", false, false)]
    [InlineData("usr/share/man", false, false)]
    [InlineData("usr/share/locale/de/LC_MESSAGES/libc.mo", false, false)]
    [InlineData("usr/lib/locale/C.utf8/LC_CTYPE", false, true)]
    [InlineData("usr/share/lintian/overrides/libc6", false, false)]
    public void Defaults_DropDocumentationButKeepLicences(string path, bool isSymlink, bool included) =>
        Assert.Equal(included, _defaults.Includes(path, isSymlink));

    [Fact]
    public void Spec_DropsAndKeeps()
    {
        var filter = new PathFilter(new SpecPaths { Drop = ["usr/share/zoneinfo/**"], Keep = ["usr/share/zoneinfo/UTC"] });

        Assert.False(filter.Includes("usr/share/zoneinfo/Europe/Paris", false));
        Assert.True(filter.Includes("usr/share/zoneinfo/UTC", false));
    }

    [Fact]
    public void Spec_CannotDropCopyright()
    {
        var filter = new PathFilter(new SpecPaths { Drop = ["usr/share/**"] });

        Assert.True(filter.Includes("usr/share/doc/openssl/copyright", false));
    }

    [Fact]
    public void NoDefaults_KeepsDocumentation() =>
        Assert.True(new PathFilter(new SpecPaths { DropDefaults = false }).Includes("usr/share/man/man1/ls.1.gz", false));

    [Theory]
    [InlineData("usr/*/x", "usr/lib/x", true)]
    [InlineData("usr/*/x", "usr/lib/a/x", false)]
    [InlineData("**/*.mo", "usr/share/locale/de/x.mo", true)]
    [InlineData("**/*.mo", "x.mo", true)]
    [InlineData("usr/lib/?", "usr/lib/a", true)]
    [InlineData("a.b", "axb", false)]
    public void Glob_MatchesSegments(string glob, string path, bool matches) =>
        Assert.Equal(matches, PathFilter.Compile(glob).IsMatch(path));
}
