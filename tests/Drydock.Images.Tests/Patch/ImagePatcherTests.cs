using System.Text.Json.Nodes;
using Drydock.Images.Patch;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Versions;
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

        // The same patch written by another process must give the same digest too, so the
        // layer may not carry this process's id, as .NET's PAX header names otherwise do.
        await using var blob = await source.OpenBlobAsync(image.Layers[^1].Descriptor, Cancellation);
        await using var gzip = new System.IO.Compression.GZipStream(blob, System.IO.Compression.CompressionMode.Decompress);
        using var tar = new MemoryStream();
        await gzip.CopyToAsync(tar, Cancellation);
        var text = System.Text.Encoding.Latin1.GetString(tar.ToArray());
        Assert.DoesNotContain($"PaxHeaders.{Environment.ProcessId}/", text, StringComparison.Ordinal);
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
        var comment = history[^1]!["comment"]!.GetValue<string>();
        Assert.Contains("update-ca-certificates", comment, StringComparison.Ordinal);
        Assert.DoesNotContain("ca-certificates.postinst", comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_RegeneratesCertificatesAsUpdateCaCertificates()
    {
        fixture.Require();
        var result = await PatchAsync(fixture.Image, "patch/base:certificates", new PatchOptions());

        var root = await UnpackAsync($"{fixture.Registry.Host}/patch/base:certificates");
        var reference = root + "-reference";
        ToolRunner.Run("cp", ["-a", root, reference]);
        Chroot(reference, "update-ca-certificates", "--fresh");

        Assert.Contains("update-ca-certificates", result.ScriptsReplaced);
        Assert.DoesNotContain("ca-certificates.postinst", result.ScriptsNotRun);
        const string bundle = "etc/ssl/certs/ca-certificates.crt";
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, bundle)), File.ReadAllBytes(Path.Combine(root, bundle)));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(fixture.Root, bundle)), File.ReadAllBytes(Path.Combine(root, bundle)));
        Assert.Equal(CertsLinks(reference), CertsLinks(root));
    }

    [Fact]
    public async Task Patch_RegeneratesLdconfigCache()
    {
        fixture.Require();
        var result = await PatchAsync(fixture.Image, "patch/base:ldconfig", new PatchOptions());

        var root = await UnpackAsync($"{fixture.Registry.Host}/patch/base:ldconfig");
        var reference = root + "-reference";
        ToolRunner.Run("cp", ["-a", root, reference]);
        Chroot(reference, "ldconfig");

        Assert.Contains("ldconfig", result.ScriptsReplaced);
        Assert.DoesNotContain("libc-bin.postinst", result.ScriptsNotRun);
        const string cache = "etc/ld.so.cache";
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, cache)), File.ReadAllBytes(Path.Combine(root, cache)));
        var listed = Chroot(root, "ldconfig", "-p");
        Assert.Contains("libssl.so.3 (libc6,x86-64) => /lib/x86_64-linux-gnu/libssl.so.3", listed, StringComparison.Ordinal);
        Assert.Contains("libexpat.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libexpat.so.1", listed, StringComparison.Ordinal);
        Assert.StartsWith("OpenSSL 3.0.22", Chroot(root, "openssl", "version"));
    }

    [Fact]
    public async Task Patch_DockerSchemaKeepsLabels()
    {
        fixture.Require();
        var image = await fixture.PushDockerAsync("docker");
        var first = await PatchAsync(image, "patch/base:docker-patched", new PatchOptions());

        var second = await PatchAsync(
            $"{fixture.Registry.Host}/patch/base:docker-patched", "patch/base:docker-repatched", new PatchOptions());

        await using var source = ImageTransports.OpenSource($"{fixture.Registry.Host}/patch/base:docker-patched", fixture.Options);
        var patched = await ResolvedImage.LoadAsync(source, null, Cancellation);
        var labels = JsonNode.Parse(patched.ConfigBytes)!["config"]!["Labels"]!;
        Assert.Equal(first.BaseDigest.ToString(), labels["dev.drydock.patch.base.digest"]!.GetValue<string>());
        Assert.Equal(patched.ParsedManifest.Layers[^1].Digest.ToString(), labels["dev.drydock.patch.layer"]!.GetValue<string>());
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", patched.Manifest.MediaType);
        Assert.True(second.ReplacedPreviousPatch);
        Assert.Equal(first.BaseDigest, second.BaseDigest);
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
    public async Task Patch_UpgradesOnlyTargetPackages()
    {
        fixture.Require();
        PatchTarget[] targets =
        [
            new("libexpat1", "CVE-2024-45491", DebianVersion.Parse("2.5.0-1+deb12u1")),
            new("libssl3", "CVE-2099-0001", DebianVersion.Parse("3.9.0-1")),
            new("zlib1g", "CVE-2099-0002", DebianVersion.Parse("1:9.0")),
        ];

        var result = await PatchAsync(fixture.Image, "patch/base:targets", new PatchOptions { Targets = targets });

        Assert.Equal(["libexpat1", "libssl3"], result.Packages.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal([("CVE-2024-45491", "libexpat1")], result.Fixed);
        var unreached = result.Unreached.ToDictionary(u => u.Target.Package);
        Assert.Equal(DebianVersion.Parse("3.0.22-1~deb12u2"), unreached["libssl3"].Reached);
        Assert.Null(unreached["zlib1g"].Reached);
    }

    [Fact]
    public async Task Patch_WritesOpenVexOfFixes()
    {
        fixture.Require();
        var result = await PatchAsync(fixture.Image, "patch/base:vex", new PatchOptions());

        var vex = JsonNode.Parse(PatchVex.Write(result, "base", "debian", DateTimeOffset.UnixEpoch))!;

        Assert.Equal("https://openvex.dev/ns/v0.2.0", vex["@context"]!.GetValue<string>());
        var statements = vex["statements"]!.AsArray();
        Assert.Equal(result.Fixed.Count, statements.Count);
        Assert.NotEmpty(statements);
        Assert.All(statements, s => Assert.Equal("fixed", s!["status"]!.GetValue<string>()));
        var product = statements[0]!["products"]![0]!;
        Assert.Equal(result.ManifestDigest!.Value.Hex, product["hashes"]!["sha-256"]!.GetValue<string>());
        Assert.StartsWith("pkg:deb/debian/", product["subcomponents"]![0]!["@id"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_NothingToPatchWritesNothing()
    {
        fixture.Require();
        var options = new PatchOptions { Packages = ["libc6"] };

        var result = await PatchAsync(fixture.Image, "patch/base:nothing", options);
        var copied = await PatchAsync(fixture.Image, "patch/base:nothing-copy", options with { CopyWhenNothingToPatch = true });

        Assert.True(result.NothingToPatch);
        Assert.Null(result.ManifestDigest);
        await AssertNoImageAsync("patch/base:nothing");
        Assert.Equal(result.BaseDigest, copied.ManifestDigest);
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

    // Every entry of /etc/ssl/certs with its link target, or "file" for a regular file.
    private static List<string> CertsLinks(string root) =>
    [
        .. new DirectoryInfo(Path.Combine(root, "etc/ssl/certs")).EnumerateFileSystemInfos()
            .Select(entry => $"{entry.Name} -> {entry.LinkTarget ?? "file"}")
            .Order(StringComparer.Ordinal),
    ];

    private static string Chroot(string root, params string[] command) =>
        ToolRunner.Run("chroot", [root, .. command]).Trim();
}
