using System.Text.Json.Nodes;
using Drydock.Images.Patch;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Sources;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Patch;

/// <summary>A real bookworm image patched from a real signed repository, judged by apt and dpkg.</summary>
public sealed class ImagePatcherTests(PatchFixture fixture) : IClassFixture<PatchFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Patch_UpgradesWhatAptUpgrades()
    {
        fixture.Require();

        var result = await PatchAsync(fixture.Image, "patch/base:upgrades", new PatchOptions());

        var actual = result.Packages.Select(p => $"{p.Name} {p.To}").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(fixture.ExpectedUpgrades);
        Assert.Equal(fixture.ExpectedUpgrades, actual);
        Assert.NotNull(result.ManifestDigest);
        Assert.Contains(result.Packages, p => p.Name == "libssl3" && p.Cves.Count > 0);
    }

    [Fact]
    public async Task Patch_LeavesDpkgConsistent()
    {
        fixture.Require();
        await PatchAsync(fixture.Image, "patch/base:dpkg", new PatchOptions());

        var root = await UnpackAsync($"{fixture.Registry.Host}/patch/base:dpkg");

        Assert.Equal("", Chroot(root, "dpkg", "--audit"));
        Assert.Equal("", Chroot(root, "dpkg", "--verify"));
        var installed = Chroot(root, "dpkg-query", "-W", "-f", "${Package} ${Version}\n").Split('\n');
        foreach (var expected in fixture.ExpectedUpgrades)
        {
            Assert.Contains(expected, installed);
        }

        Assert.StartsWith("OpenSSL 3.0.22", Chroot(root, "openssl", "version"));
        Assert.StartsWith("curl ", Chroot(root, "curl", "--version"));
    }

    [Fact]
    public async Task Patch_KeepsMergedUsrLinks()
    {
        fixture.Require();
        await PatchAsync(fixture.Image, "patch/base:links", new PatchOptions());

        var root = await UnpackAsync($"{fixture.Registry.Host}/patch/base:links");

        foreach (var link in new[] { "bin", "sbin", "lib", "lib64" })
        {
            Assert.Equal("usr/" + link, new FileInfo(Path.Combine(root, link)).LinkTarget);
        }

        Assert.True(File.Exists(Path.Combine(root, "usr/bin/openssl")));
    }

    [Fact]
    public async Task Repatch_ReplacesPatchLayerReproducibly()
    {
        fixture.Require();
        var first = await PatchAsync(fixture.Image, "patch/base:first", new PatchOptions());

        var second = await PatchAsync($"{fixture.Registry.Host}/patch/base:first", "patch/base:second", new PatchOptions());

        await using var source = ImageTransports.OpenSource($"{fixture.Registry.Host}/patch/base:second", fixture.Options);
        var image = await ResolvedImage.LoadAsync(source, null, Cancellation);
        Assert.Equal(2, image.Layers.Count);
        Assert.True(second.ReplacedPreviousPatch);
        Assert.Equal(first.BaseDigest, second.BaseDigest);
        Assert.Equal(first.ManifestDigest, second.ManifestDigest);
    }

    [Fact]
    public async Task Patch_RecordsHistoryAndAnnotations()
    {
        fixture.Require();
        var result = await PatchAsync(fixture.Image, "patch/base:history", new PatchOptions());

        await using var source = ImageTransports.OpenSource($"{fixture.Registry.Host}/patch/base:history", fixture.Options);
        var image = await ResolvedImage.LoadAsync(source, null, Cancellation);

        var annotations = image.ParsedManifest.Annotations!;
        Assert.Equal("docker.io/library/debian:bookworm", annotations["org.opencontainers.image.base.name"]);
        Assert.Equal(result.BaseDigest.ToString(), annotations["dev.drydock.patch.base.digest"]);
        Assert.Contains("libssl3=3.0.22-1~deb12u2", annotations["dev.drydock.patch.upgrades"], StringComparison.Ordinal);
        Assert.Equal(2, image.Layers.Count);
        var history = JsonNode.Parse(image.ConfigBytes)!["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        var createdBy = history[^1]!["created_by"]!.GetValue<string>();
        Assert.Contains("libssl3 3.0.20-1~deb12u2 → 3.0.22-1~deb12u2", createdBy, StringComparison.Ordinal);
        Assert.Contains("ca-certificates.postinst", history[^1]!["comment"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_OnlyNamedPackages()
    {
        fixture.Require();

        var result = await PatchAsync(fixture.Image, "patch/base:only", new PatchOptions { Packages = ["libexpat1"] });

        var package = Assert.Single(result.Packages);
        Assert.Equal("libexpat1", package.Name);
    }

    [Fact]
    public async Task Patch_RejectsPackageNotInstalled()
    {
        fixture.Require();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            PatchAsync(fixture.Image, "patch/base:missing", new PatchOptions { Packages = ["no-such-package"] }));

        Assert.Contains("'no-such-package'", error.Message, StringComparison.Ordinal);
        await AssertNoImageAsync("patch/base:missing");
    }

    [Fact]
    public async Task Patch_RejectsWrongKey()
    {
        fixture.Require();
        using var gpg = new TestGpg();
        var other = gpg.GenerateKey("Someone Else");
        var keyring = Path.Combine(gpg.Home, "other.gpg");
        gpg.ExportPublicKey(other, keyring);
        var repo = SourcesListParser.ParseLine(
            $"deb [signed-by={keyring}] {fixture.Repository} {PatchFixture.SecuritySuite} main");

        var options = new PatchOptions { UseImageSources = false, ExtraSources = [repo] };
        await Assert.ThrowsAsync<AptSignatureException>(() => PatchAsync(fixture.Image, "patch/base:badkey", options));

        await AssertNoImageAsync("patch/base:badkey");
    }

    private async Task<PatchResult> PatchAsync(string image, string output, PatchOptions options)
    {
        await using var source = ImageTransports.OpenSource(image, fixture.Options);
        await using var destination = ImageTransports.OpenDestination($"{fixture.Registry.Host}/{output}", fixture.Options);
        var cache = Path.Combine(TestCache.Root, "patch-debs");
        return await new ImagePatcher(fixture.Http).PatchAsync(
            source, destination, options with { CacheRoot = cache }, Cancellation);
    }

    private async Task<string> UnpackAsync(string image)
    {
        await using var source = ImageTransports.OpenSource(image, fixture.Options);
        var resolved = await ResolvedImage.LoadAsync(source, null, Cancellation);
        var root = Path.Combine(fixture.Directory, "unpacked-" + Guid.NewGuid().ToString("N"));
        await new RootfsUnpacker().UnpackAsync(resolved, root, Cancellation);
        return root;
    }

    private async Task AssertNoImageAsync(string reference)
    {
        await using var source = ImageTransports.OpenSource($"{fixture.Registry.Host}/{reference}", fixture.Options);
        await Assert.ThrowsAsync<RegistryException>(() => source.GetManifestAsync(Cancellation));
    }

    private static string Chroot(string root, params string[] command) =>
        ToolRunner.Run("chroot", [root, .. command]).Trim();
}
