// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026
using System.Text;
using Drydock.Packages.Apt.Candidates;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Apt.Resolver;

namespace Drydock.Packages.Tests.Apt;

/// <summary>Resolver rules on small hand-written indexes.</summary>
public sealed class ResolverTests
{
    private static readonly ReleaseInfo _release = new() { Suite = "stable", Codename = "bookworm", Origin = "Debian", SourceSuite = "bookworm" };

    [Fact]
    public void Install_VersionedProvides()
    {
        var universe = Universe(
            "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: virtual-x (>= 2)\n",
            "Package: old-x\nVersion: 1\nArchitecture: amd64\nProvides: virtual-x (= 1)\n",
            "Package: new-x\nVersion: 1\nArchitecture: amd64\nProvides: virtual-x (= 2)\n",
            "Package: plain-x\nVersion: 1\nArchitecture: amd64\nProvides: virtual-x\n");

        var result = new DependencyResolver(universe).Install(["app"]);

        Assert.Equal(["app", "new-x"], result.Changes.Select(c => c.Name));
        Assert.Equal("app", result.Changes[1].NeededBy);
    }

    [Fact]
    public void Install_TakesNextAlternativeWhenExcluded()
    {
        var universe = Universe(
            "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: first | second\n",
            "Package: first\nVersion: 1\nArchitecture: amd64\n",
            "Package: second\nVersion: 1\nArchitecture: all\n");

        var result = new DependencyResolver(universe).Install(["app"], new HashSet<string> { "first" });

        Assert.Equal(["app", "second"], result.Changes.Select(c => c.Name));
    }

    [Fact]
    public void Install_ExcludedOnlyChoiceFails()
    {
        var universe = Universe(
            "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: lib (>= 1)\n",
            "Package: lib\nVersion: 1\nArchitecture: amd64\n");

        var error = Assert.Throws<UnsatisfiableDependencyException>(
            () => new DependencyResolver(universe).Install(["app"], new HashSet<string> { "lib" }));

        Assert.Equal("app:amd64 1", error.Chain[0]);
        Assert.Contains("lib (>= 1)", error.Chain[^1]);
    }

    [Fact]
    public void Install_VersionTooLowFails()
    {
        var universe = Universe(
            "Package: app\nVersion: 1\nArchitecture: amd64\nPre-Depends: lib (>> 2)\n",
            "Package: lib\nVersion: 2\nArchitecture: amd64\n");

        var error = Assert.Throws<UnsatisfiableDependencyException>(() => new DependencyResolver(universe).Install(["app"]));

        Assert.Contains("lib (>> 2)", error.Chain[^1]);
    }

    [Fact]
    public void Install_ConflictWithInstalledFails()
    {
        var universe = Universe(
            ["Package: app\nVersion: 1\nArchitecture: amd64\nConflicts: legacy\n"],
            ["Package: legacy\nVersion: 1\nArchitecture: amd64\nStatus: install ok installed\n"]);

        var error = Assert.Throws<UnsatisfiableDependencyException>(() => new DependencyResolver(universe).Install(["app"]));

        Assert.Contains("legacy", error.Chain[^1]);
    }

    [Fact]
    public void Install_MultiArchForeignSatisfiesOtherArchitecture()
    {
        var universe = Universe(
            [
                "Package: app\nVersion: 1\nArchitecture: i386\nDepends: tool, lib:any\n",
                "Package: tool\nVersion: 1\nArchitecture: amd64\nMulti-Arch: foreign\n",
                "Package: lib\nVersion: 1\nArchitecture: amd64\nMulti-Arch: allowed\n",
            ],
            [],
            foreign: ["i386"]);

        var result = new DependencyResolver(universe).Install(["app:i386"]);

        Assert.Equal(["app:i386", "lib:amd64", "tool:amd64"], result.Changes.Select(c => $"{c.Name}:{c.Architecture}"));
    }

    [Fact]
    public void Install_VirtualWithSeveralProvidersFails()
    {
        var universe = Universe(
            "Package: a-mta\nVersion: 1\nArchitecture: amd64\nProvides: mail-transport-agent\n",
            "Package: b-mta\nVersion: 1\nArchitecture: amd64\nProvides: mail-transport-agent\n");

        var error = Assert.Throws<UnsatisfiableDependencyException>(
            () => new DependencyResolver(universe).Install(["mail-transport-agent"]));

        Assert.Contains("a-mta, b-mta", error.Message);
    }

    [Fact]
    public void Upgrade_MultiArchSameCopiesMoveTogether()
    {
        var universe = Universe(
            [
                "Package: libz\nVersion: 2\nArchitecture: amd64\nMulti-Arch: same\n",
                "Package: libz\nVersion: 2\nArchitecture: i386\nMulti-Arch: same\n",
            ],
            [
                "Package: libz\nVersion: 1\nArchitecture: amd64\nMulti-Arch: same\nStatus: install ok installed\n",
                "Package: libz\nVersion: 1\nArchitecture: i386\nMulti-Arch: same\nStatus: install ok installed\n",
            ],
            foreign: ["i386"]);

        var result = new DependencyResolver(universe).Upgrade();

        Assert.Equal(["libz:amd64 2", "libz:i386 2"], result.Changes.Select(c => $"{c.Name}:{c.Architecture} {c.To}"));
    }

    [Fact]
    public void Upgrade_TiedBinariesMoveTogether()
    {
        var universe = Universe(
            [
                "Package: tool\nVersion: 2\nArchitecture: amd64\nDepends: libtool (= 2)\n",
                "Package: libtool\nVersion: 2\nArchitecture: amd64\n",
            ],
            [
                "Package: tool\nVersion: 1\nArchitecture: amd64\nDepends: libtool (= 1)\nStatus: install ok installed\n",
                "Package: libtool\nVersion: 1\nArchitecture: amd64\nStatus: install ok installed\n",
            ]);

        var result = new DependencyResolver(universe).Upgrade(only: ["libtool"]);

        Assert.Equal(["libtool 2", "tool 2"], result.Changes.Select(c => $"{c.Name} {c.To}"));
    }

    [Fact]
    public void Upgrade_KeepsBackWhenDependentCannotMove()
    {
        var universe = Universe(
            ["Package: libtool\nVersion: 2\nArchitecture: amd64\n"],
            [
                "Package: tool\nVersion: 1\nArchitecture: amd64\nDepends: libtool (= 1)\nStatus: install ok installed\n",
                "Package: libtool\nVersion: 1\nArchitecture: amd64\nStatus: install ok installed\n",
            ]);

        var result = new DependencyResolver(universe).Upgrade();

        Assert.Empty(result.Changes);
        var kept = Assert.Single(result.KeptBack);
        Assert.Equal("libtool", kept.Name);
        Assert.Contains("tool:amd64 1 depends on libtool (= 1)", kept.Chain[^1]);
    }

    [Fact]
    public void Upgrade_InstallsNewDependencyOnlyWhenAllowed()
    {
        string[] available =
        [
            "Package: tool\nVersion: 2\nArchitecture: amd64\nDepends: libnew\n",
            "Package: libnew\nVersion: 1\nArchitecture: amd64\n",
            "Package: unrelated\nVersion: 1\nArchitecture: amd64\n",
        ];
        string[] installed = ["Package: tool\nVersion: 1\nArchitecture: amd64\nStatus: install ok installed\n"];

        var withNew = new DependencyResolver(Universe(available, installed)).Upgrade();
        var withoutNew = new DependencyResolver(Universe(available, installed)).Upgrade(allowNewPackages: false);

        Assert.Equal(["libnew (new, for tool)", "tool 2"], withNew.Changes.Select(Describe));
        Assert.Empty(withoutNew.Changes);
        Assert.Equal("tool", Assert.Single(withoutNew.KeptBack).Name);
    }

    [Fact]
    public void Upgrade_BreaksMovesBrokenPackage()
    {
        var universe = Universe(
            [
                "Package: core\nVersion: 2\nArchitecture: amd64\nBreaks: plugin (<< 2)\n",
                "Package: plugin\nVersion: 2\nArchitecture: amd64\n",
            ],
            [
                "Package: core\nVersion: 1\nArchitecture: amd64\nStatus: install ok installed\n",
                "Package: plugin\nVersion: 1\nArchitecture: amd64\nStatus: install ok installed\n",
            ]);

        var result = new DependencyResolver(universe).Upgrade(only: ["core"]);

        Assert.Equal(["core 2", "plugin 2"], result.Changes.Select(c => $"{c.Name} {c.To}"));
    }

    [Theory]
    [InlineData("followed", true, new[] { "app", "helper", "lib" })]
    [InlineData("turned off", false, new[] { "app", "lib" })]
    public void Install_Recommends(string row, bool installRecommends, string[] expected)
    {
        var universe = Universe(
            "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: lib\n" +
                "Recommends: absent, broken | helper, lib\n",
            "Package: lib\nVersion: 1\nArchitecture: amd64\n",
            "Package: broken\nVersion: 1\nArchitecture: amd64\nDepends: absent\n",
            "Package: helper\nVersion: 1\nArchitecture: amd64\n");

        var result = new DependencyResolver(universe, installRecommends).Install(["app"]);

        Assert.Equal(expected, result.Changes.Select(c => c.Name));
    }

    private static string Describe(PackageChange change) =>
        change.IsNew ? $"{change.Name} (new, for {change.NeededBy})" : $"{change.Name} {change.To}";

    private static PackageUniverse Universe(params string[] available) => Universe(available, []);

    private static PackageUniverse Universe(string[] available, string[] installed, string[]? foreign = null)
    {
        var records = PackagesIndexParser.Parse(Encoding.UTF8.GetBytes(string.Join('\n', available)), "test", _release).Records;
        var status = DpkgStatusReader.Parse(Encoding.UTF8.GetBytes(string.Join('\n', installed)), "status");
        return new PackageUniverse(records, status, new CandidatePolicy([]), "amd64", foreign);
    }
}
