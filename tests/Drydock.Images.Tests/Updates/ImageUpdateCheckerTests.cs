using Drydock.Images.Tests.Patch;
using Drydock.Images.Updates;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Sources;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Updates;

/// <summary>
/// The upgrades of the patch test image (mmdebstrap bookworm with openssl, curl and their
/// dependencies, pointed at a signed loopback bookworm-security suite) against what the image's
/// own apt lists in a chroot of the same root, and the repositories that must be refused.
/// </summary>
public sealed class ImageUpdateCheckerTests(PatchFixture fixture) : IClassFixture<PatchFixture>, IDisposable
{
    private const string Suite = "updates-refusal";

    private readonly TestGpg _gpg = new();
    private TestRepository? _repository;
    private LoopbackFileServer? _server;
    private string _fingerprint = "";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Check_MatchesAptListUpgradable()
    {
        fixture.Require();

        var report = await CheckAsync(new UpdateCheckOptions());

        var expected = AptListUpgradable();
        var actual = report.Upgradable
            .Select(p => $"{p.Name}/{p.Suite} {p.Candidate} {p.Architecture} [upgradable from: {p.Installed}]")
            .ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Check_MatchesAptGetUpgrade()
    {
        fixture.Require();

        var report = await CheckAsync(new UpdateCheckOptions());

        var upgraded = report.Upgradable.Select(p => $"{p.Name} {p.Candidate}").Order(StringComparer.Ordinal);
        Assert.Equal(fixture.ExpectedUpgrades, upgraded);
        Assert.Empty(report.NewPackages);
        Assert.Empty(report.KeptBack);
        Assert.All(report.Upgradable, p => Assert.Equal("Drydock Test", p.Origin));
    }

    [Fact]
    public async Task Check_RejectsWrongKey()
    {
        fixture.Require();
        using var other = new TestGpg();
        var keyring = Path.Combine(other.Home, "other.gpg");
        other.ExportPublicKey(other.GenerateKey("Drydock Other Key"), keyring);

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => CheckAsync(RepositoryOptions(keyring)));

        Assert.Contains(Suite, error.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RejectsIndexHashMismatch()
    {
        fixture.Require();
        var options = RepositoryOptions(null);
        var index = Path.Combine(_repository!.IndexDirectory(Suite), "Packages.xz");
        var bytes = File.ReadAllBytes(index);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(index, bytes);

        var error = await Assert.ThrowsAsync<AptHashMismatchException>(() => CheckAsync(options));

        Assert.EndsWith("Packages.xz", error.Location, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _server?.Dispose();
        _repository?.Dispose();
        _gpg.Dispose();
    }

    private async Task<ImageUpdateReport> CheckAsync(UpdateCheckOptions options)
    {
        await using var source = ImageTransports.OpenSource(fixture.Image, fixture.Options);
        return await new ImageUpdateChecker(fixture.Http).CheckAsync(source, options, Cancellation);
    }

    // A one-suite repository given as --repo, signed by this test's key; keyring null means
    // that key, any other path a key that did not sign it.
    private UpdateCheckOptions RepositoryOptions(string? keyring)
    {
        _fingerprint = _gpg.GenerateKey("Drydock Updates Test");
        _repository = new TestRepository();
        _repository.AddSuite(new SuiteSpec(Suite, Suite, "Updates Refusal", ["libexpat1=2.5.0-1+deb12u5"]));
        _repository.Sign(Suite, _gpg, _fingerprint);
        var own = Path.Combine(_gpg.Home, "updates.gpg");
        _gpg.ExportPublicKey(_fingerprint, own);
        _server = new LoopbackFileServer(_repository.Root);
        var repo = SourcesListParser.ParseLine($"deb [signed-by={keyring ?? own}] {_server.BaseUri} {Suite} main");
        return new UpdateCheckOptions { UseImageSources = false, ExtraSources = [repo] };
    }

    // "openssl/bookworm-security 3.0.22-1~deb12u2 amd64 [upgradable from: 3.0.17-1~deb12u2]"
    private List<string> AptListUpgradable()
    {
        var output = ToolRunner.Run("chroot", [fixture.Root, "apt", "list", "--upgradable", "-q"]);
        return [.. output.Split('\n').Where(l => l.Contains("[upgradable from: ", StringComparison.Ordinal))];
    }
}
