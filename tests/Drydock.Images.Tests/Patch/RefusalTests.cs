using Drydock.Images.Patch;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Resolver;
using Drydock.Packages.Apt.Sources;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// Patches that must fail before anything is written, against a second signed repository
/// given with <c>--repo</c>: one suite serves apt without the libapt-pkg6.0 it needs, another a
/// libexpat1 .deb whose bytes no longer match its Packages stanza.
/// </summary>
public sealed class RefusalTests(PatchFixture fixture) : IClassFixture<PatchFixture>, IDisposable
{
    private const string Unsatisfiable = "unsatisfiable";
    private const string Tampered = "tampered";

    private readonly TestGpg _gpg = new();
    private TestRepository? _repository;
    private LoopbackFileServer? _server;
    private string _keyring = "";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Patch_RejectsUnsatisfiableUpgrade()
    {
        fixture.Require();
        var options = RepositoryOptions(Unsatisfiable) with { Packages = ["apt"] };

        var error = await Assert.ThrowsAsync<UnsatisfiableDependencyException>(() => PatchAsync("refused-deps", options));

        Assert.Contains(error.Chain, link => link.Contains("libapt-pkg6.0", StringComparison.Ordinal));
        await AssertNoImageAsync("refused-deps");
    }

    [Fact]
    public async Task Patch_RejectsDebHashMismatch()
    {
        fixture.Require();

        var error = await Assert.ThrowsAsync<AptHashMismatchException>(() =>
            PatchAsync("refused-hash", RepositoryOptions(Tampered)));

        Assert.Contains("libexpat1", error.Message, StringComparison.Ordinal);
        await AssertNoImageAsync("refused-hash");
    }

    public void Dispose()
    {
        _server?.Dispose();
        _repository?.Dispose();
        _gpg.Dispose();
    }

    private PatchOptions RepositoryOptions(string suite)
    {
        if (_server is null)
        {
            var fingerprint = _gpg.GenerateKey("Drydock Refusal Test");
            _repository = new TestRepository();
            _repository.AddSuite(new SuiteSpec(Unsatisfiable, Unsatisfiable, "Unsatisfiable", ["apt=2.6.2"]));
            _repository.AddSuite(new SuiteSpec(Tampered, Tampered, "Tampered", ["libexpat1=2.5.0-1+deb12u5"]));
            _repository.Sign(Unsatisfiable, _gpg, fingerprint);
            _repository.Sign(Tampered, _gpg, fingerprint);
            foreach (var deb in Directory.EnumerateFiles(Path.Combine(_repository.Root, "pool", Tampered)))
            {
                var bytes = File.ReadAllBytes(deb);
                bytes[^1] ^= 0xff;
                File.WriteAllBytes(deb, bytes);
            }

            _keyring = Path.Combine(_gpg.Home, "refusal.gpg");
            _gpg.ExportPublicKey(fingerprint, _keyring);
            _server = new LoopbackFileServer(_repository.Root);
        }

        var repo = SourcesListParser.ParseLine($"deb [signed-by={_keyring}] {_server.BaseUri} {suite} main");

        // A fresh cache, so the untampered copy another test downloaded is not used.
        var cache = Path.Combine(fixture.Directory, "cache-" + Guid.NewGuid().ToString("N"));
        return new PatchOptions { UseImageSources = false, ExtraSources = [repo], CacheRoot = cache };
    }

    private async Task<PatchResult> PatchAsync(string tag, PatchOptions options)
    {
        await using var source = ImageTransports.OpenSource(fixture.Image, fixture.Options);
        await using var destination = ImageTransports.OpenDestination($"{fixture.Registry.Host}/patch/base:{tag}", fixture.Options);
        return await new ImagePatcher(fixture.Http).PatchAsync(source, destination, options, Cancellation);
    }

    private async Task AssertNoImageAsync(string tag)
    {
        await using var source = ImageTransports.OpenSource($"{fixture.Registry.Host}/patch/base:{tag}", fixture.Options);
        await Assert.ThrowsAsync<RegistryException>(() => source.GetManifestAsync(Cancellation));
    }
}
