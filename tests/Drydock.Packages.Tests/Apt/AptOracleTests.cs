using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Resolver;
using Drydock.Packages.Inventory;
using Drydock.Testing.Apt;

namespace Drydock.Packages.Tests.Apt;

/// <summary>Drydock's candidates and resolutions against those of the root's own apt.</summary>
public sealed class AptOracleTests(AptOracleFixture fixture) : IClassFixture<AptOracleFixture>
{
    private static readonly HttpClient _http = new();

    [Fact]
    public async Task Upgrade_MatchesAptGetUpgrade()
    {
        var plan = await PlanAsync();

        var expected = fixture.Oracle.SimulateUpgrade();
        var actual = plan.Upgrade.Changes.Select(c => $"{c.Name} {c.To}").Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
        Assert.Empty(plan.Upgrade.KeptBack);
    }

    [Fact]
    public async Task Candidates_MatchAptCachePolicy()
    {
        var plan = await PlanAsync();
        var names = BookwormTestArchive.SecurityPackages.Concat(BookwormTestArchive.PointPackages)
            .Select(p => p.Split('=')[0]).Concat(plan.Universe.Installed.Keys.Select(k => k.Name))
            .Distinct().Order(StringComparer.Ordinal).ToList();

        var expected = fixture.Oracle.Candidates(names);

        foreach (var name in names)
        {
            var ours = plan.Universe.Candidate(name, "amd64")?.Version.ToString() ?? "(none)";
            Assert.Equal($"{name} {expected.GetValueOrDefault(name, "(none)")}", $"{name} {ours}");
        }
    }

    [Fact]
    public async Task Upgradable_NamesTheSuite()
    {
        var plan = await PlanAsync();

        var apt = Assert.Single(plan.Upgradable, u => u.Name == "apt");
        Assert.Equal("2.6.1", apt.Installed.ToString());
        Assert.Equal("2.6.2", apt.Candidate.ToString());
        Assert.Equal(BookwormTestArchive.SecuritySuite, apt.Suite);
        Assert.DoesNotContain(plan.Upgradable, u => u.Name == "bsdutils");
    }

    [Fact]
    public async Task InstallCurl_MatchesAptGetInstall()
    {
        var plan = await PlanAsync();
        var resolution = new DependencyResolver(plan.Universe).Install(["curl"]);

        var expected = fixture.Oracle.SimulateDefaultInstall("curl");
        var actual = resolution.Changes.Select(c => $"{c.Name} {c.To}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, actual);
        Assert.Contains("libldap-common 2.5.13+dfsg-5", actual);
        Assert.Contains(resolution.Changes, c => c is { Name: "curl", Suite: BookwormTestArchive.PointSuite });
    }

    [Fact]
    public async Task InstallCurl_WithoutRecommends_MatchesNoInstallRecommends()
    {
        var plan = await PlanAsync();
        var resolution = new DependencyResolver(plan.Universe, installRecommends: false).Install(["curl"]);

        var expected = fixture.Oracle.SimulateInstall("curl");
        var actual = resolution.Changes.Select(c => $"{c.Name} {c.To}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, actual);
        Assert.DoesNotContain("libldap-common 2.5.13+dfsg-5", actual);
    }

    [Fact]
    public async Task UpgradeWithoutNew_MatchesPlainAptGetUpgrade()
    {
        var plan = await PlanAsync();
        var resolution = new DependencyResolver(plan.Universe).Upgrade(allowNewPackages: false);

        var expected = fixture.Oracle.SimulateUpgrade();
        var actual = resolution.Changes.Select(c => $"{c.Name} {c.To}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, actual);
        Assert.DoesNotContain(resolution.Changes, c => c.IsNew);
    }

    [Fact]
    public async Task Upgrade_MatchesAptGetUpgradeWithNewPkgs()
    {
        var plan = await PlanAsync();

        var expected = fixture.Oracle.SimulateUpgrade("--with-new-pkgs");
        var actual = plan.Upgrade.Changes.Select(c => $"{c.Name} {c.To}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, actual);
    }

    // Many container images turn Recommends off this way; the root's setting is read.
    [Fact]
    public async Task InstallCurl_MatchesAptWithRecommendsOff()
    {
        const string Setting = "/etc/apt/apt.conf.d/99drydock-no-recommends";
        fixture.Oracle.WriteFile(Setting, "APT::Install-Recommends \"false\";\n");
        try
        {
            var plan = await PlanAsync();
            var resolution = new DependencyResolver(plan.Universe).Install(["curl"]);
            var actual = resolution.Changes.Select(c => $"{c.Name} {c.To}").Order(StringComparer.Ordinal).ToList();

            Assert.False(plan.Universe.InstallRecommends);
            Assert.Equal(fixture.Oracle.SimulateDefaultInstall("curl"), actual);
        }
        finally
        {
            File.Delete(Path.Combine(fixture.Oracle.Root, Setting.TrimStart('/')));
        }
    }

    private async Task<AptUpgradePlan> PlanAsync()
    {
        var oracle = fixture.Oracle;
        var client = new AptClient(_http);
        return await client.PlanUpgradesAsync(
            new AptUpdateRequest { Root = new DirectoryRootFileSystem(oracle.Root) }, TestContext.Current.CancellationToken);
    }
}
