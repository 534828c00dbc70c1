using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Resolver;
using Drydock.Packages.Inventory;
using Drydock.Testing.Apt;

namespace Drydock.Packages.Tests.Apt;

/// <summary>
/// Recommends as the root's own apt follows them, on hand-written indexes: apt-get -s reads
/// only indexes, so the stanzas need no .deb behind them.
/// </summary>
public sealed class RecommendsOracleTests(RecommendsArchiveFixture fixture) : IClassFixture<RecommendsArchiveFixture>
{
    private static readonly HttpClient _http = new();

    [Fact]
    public async Task Install_MatchesAptGetInstall()
    {
        var actual = await ResolveAsync(r => r.Install(["drydock-new"]));

        Assert.Equal(fixture.Oracle.SimulateDefaultInstall("drydock-new"), actual);
        Assert.Contains("drydock-alt 1.0", actual);
    }

    [Fact]
    public async Task UpgradeWithNewPkgs_MatchesApt()
    {
        var actual = await ResolveAsync(r => r.Upgrade());

        Assert.Equal(fixture.Oracle.SimulateUpgrade("--with-new-pkgs"), actual);
        Assert.Equal(["drydock-alt 1.0", "drydock-probe 2.0"], actual);
    }

    [Fact]
    public async Task Upgrade_MatchesPlainApt()
    {
        var actual = await ResolveAsync(r => r.Upgrade(allowNewPackages: false));

        Assert.Equal(fixture.Oracle.SimulateUpgrade(), actual);
        Assert.Equal(["drydock-probe 2.0"], actual);
    }

    [Fact]
    public async Task OnlyUpgrade_MatchesApt()
    {
        var actual = await ResolveAsync(r => r.Upgrade(only: ["drydock-probe"]));

        var expected = fixture.Oracle.SimulateDefaultInstall("--only-upgrade", "drydock-probe");
        Assert.Equal(expected, actual);
    }

    private async Task<List<string>> ResolveAsync(Func<DependencyResolver, ResolutionResult> resolve)
    {
        var client = new AptClient(_http);
        var plan = await client.PlanUpgradesAsync(
            new AptUpdateRequest { Root = new DirectoryRootFileSystem(fixture.Oracle.Root) },
            TestContext.Current.CancellationToken);
        var result = resolve(new DependencyResolver(plan.Universe));
        return [.. result.Changes.Select(c => $"{c.Name} {c.To}").Order(StringComparer.Ordinal)];
    }
}

/// <summary>
/// A signed one-suite archive of hand-written stanzas and a minbase chroot that has
/// <c>drydock-probe 1.0</c> installed. Version 2.0 of the probe keeps the Recommends its
/// installed version left unmet and adds one whose first alternative cannot be installed.
/// </summary>
public sealed class RecommendsArchiveFixture : IDisposable
{
    private const string Suite = "probe";
    private const string KeyringInRoot = "/etc/apt/keyrings/drydock-probe.gpg";

    private const string Installed = """
        Package: drydock-probe
        Status: install ok installed
        Priority: optional
        Section: misc
        Maintainer: Drydock Tests <tests@localhost>
        Architecture: amd64
        Version: 1.0
        Recommends: drydock-removed
        Description: probe package

        """;

    private const string Available = """
        Package: drydock-probe
        Version: 2.0
        Architecture: amd64
        Recommends: drydock-removed, drydock-extra | drydock-alt
        Package: drydock-removed
        Version: 1.0
        Architecture: amd64
        Package: drydock-extra
        Version: 1.0
        Architecture: amd64
        Depends: drydock-missing
        Package: drydock-alt
        Version: 1.0
        Architecture: amd64
        Package: drydock-new
        Version: 1.0
        Architecture: amd64
        Recommends: drydock-none, drydock-extra | drydock-alt
        """;

    private readonly TestGpg _gpg;
    private readonly TestRepository _repository;
    private readonly LoopbackFileServer _server;
    private AptOracle? _oracle;

    public RecommendsArchiveFixture()
    {
        TestRepository.RequireTools();
        _gpg = new TestGpg();
        Fingerprint = _gpg.GenerateKey("Drydock Probe Archive");
        _repository = new TestRepository();
        var index = _repository.IndexDirectory(Suite);
        Directory.CreateDirectory(index);
        TestRepository.WriteIndex(index, Stanzas(Available));
        _repository.WriteRelease(new SuiteSpec(Suite, Suite, "Drydock Probe", []));
        _repository.Sign(Suite, _gpg, Fingerprint);
        _server = new LoopbackFileServer(_repository.Root);
    }

    public string Fingerprint { get; }

    public AptOracle Oracle => _oracle ??= CreateOracle();

    public void Dispose()
    {
        _oracle?.Dispose();
        _server.Dispose();
        _repository.Dispose();
        _gpg.Dispose();
    }

    // Each "Package:" line starts a stanza; the fields apt and Drydock need are added to each.
    private static string Stanzas(string text)
    {
        var stanzas = text.Split("Package: ", StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.TrimEnd('\n').Split('\n', 2))
            .Select(p => $"Package: {p[0]}\n{p[1]}\nPriority: optional\nSection: misc\n" +
                $"Maintainer: Drydock Tests <tests@localhost>\nFilename: pool/{Suite}/{p[0]}.deb\n" +
                $"Size: 1000\nSHA256: {new string('0', 64)}\nDescription: {p[0]}\n");
        return string.Join("\n", stanzas);
    }

    private AptOracle CreateOracle()
    {
        var keyring = Path.Combine(_gpg.Home, "drydock-probe.gpg");
        _gpg.ExportPublicKey(Fingerprint, keyring);
        var oracle = new AptOracle();
        oracle.CopyFile(keyring, KeyringInRoot);
        oracle.WriteFile(
            "/etc/apt/sources.list.d/drydock-probe.sources",
            $"Types: deb\nURIs: {_server.BaseUri}\nSuites: {Suite}\nComponents: main\nSigned-By: {KeyringInRoot}\n");
        File.AppendAllText(Path.Combine(oracle.Root, "var/lib/dpkg/status"), "\n" + Installed);
        oracle.Update();
        return oracle;
    }
}
