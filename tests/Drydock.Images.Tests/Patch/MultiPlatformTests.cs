using System.Text;
using System.Text.Json.Nodes;
using Drydock.Images.Patch;
using Drydock.Oci;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt.Sources;
using Drydock.Testing.Apt;
using Drydock.Testing.Images;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// A two-platform index: the amd64 base image, which the test repository can upgrade, and an
/// arm64 image made of libexpat1 and its dependencies from the bookworm point release,
/// extracted by <c>mmdebstrap --variant=extract</c> (no emulation) and recorded in status.d.
/// The repository serves amd64 packages only, so arm64 needs nothing.
/// </summary>
public sealed class MultiPlatformTests(PatchFixture fixture) : IClassFixture<PatchFixture>
{
    private const string IndexAnnotation = "org.opencontainers.image.source";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Patch_PatchesEachPlatformOfIndex()
    {
        fixture.Require();
        var (index, arm64) = await PushIndexAsync("multi");

        var result = await PatchAsync(index, "multi-patched");

        await using var source = ImageTransports.OpenSource(Reference("multi-patched"), fixture.Options);
        var written = await source.GetManifestAsync(Cancellation);
        Assert.True(written.IsIndex);
        Assert.Equal(result.ManifestDigest, written.Digest);
        var children = written.ParseIndex().Manifests;
        Assert.Equal(2, children.Count);
        Assert.Equal("https://example.invalid/app", written.ParseIndex().Annotations![IndexAnnotation]);
        Assert.Equal(arm64, children.Single(c => c.Platform!.Architecture == "arm64").Digest);
        var amd64 = children.Single(c => c.Platform!.Architecture == "amd64");
        Assert.Equal(result.Platforms.Single(p => p.Platform.Architecture == "amd64").Result.ManifestDigest, amd64.Digest);
        Assert.Contains(result.Packages, p => p.Name == "libssl3");
        Assert.True(result.Platforms.Single(p => p.Platform.Architecture == "arm64").Result.NothingToPatch);
    }

    [Fact]
    public async Task Patch_CopiesUnpatchedPlatformBytes()
    {
        fixture.Require();
        var (index, arm64) = await PushIndexAsync("multi-bytes");
        await PatchAsync(index, "multi-bytes-patched");

        await using var original = ImageTransports.OpenSource(index, fixture.Options);
        await using var patched = ImageTransports.OpenSource(Reference("multi-bytes-patched"), fixture.Options);
        var root = await patched.GetManifestAsync(Cancellation);
        var descriptor = root.ParseIndex().Manifests.Single(c => c.Digest == arm64);
        var before = await original.GetManifestAsync(descriptor, Cancellation);
        var after = await patched.GetManifestAsync(descriptor, Cancellation);

        Assert.Equal(before.Bytes.ToArray(), after.Bytes.ToArray());
        foreach (var layer in after.ParseManifest().Layers)
        {
            await using var blob = await patched.OpenBlobAsync(layer, Cancellation);
            Assert.Equal(layer.Digest, Digest.Compute(ReadAll(blob)));
        }
    }

    private string Reference(string tag) => $"{fixture.Registry.Host}/patch/multi:{tag}";

    private async Task<(string Index, Digest Arm64)> PushIndexAsync(string tag)
    {
        // A registry resolves an index's children in the index's own repository.
        var amd64Reference = Reference(tag + "-amd64");
        await using (var from = ImageTransports.OpenSource(fixture.Image, fixture.Options))
        await using (var to = ImageTransports.OpenDestination(amd64Reference, fixture.Options))
        {
            await ImageCopier.CopyAsync(from, to, new CopyOptions(), Cancellation);
        }

        var arm64Reference = Reference(tag + "-arm64");
        await fixture.PushRootAsync(Arm64Root(), arm64Reference, "arm64");
        var children = new JsonArray();
        foreach (var (child, architecture) in new[] { (amd64Reference, "amd64"), (arm64Reference, "arm64") })
        {
            await using var source = ImageTransports.OpenSource(child, fixture.Options);
            var manifest = await source.GetManifestAsync(Cancellation);
            children.Add(new JsonObject
            {
                ["mediaType"] = manifest.MediaType,
                ["digest"] = manifest.Digest.ToString(),
                ["size"] = manifest.Bytes.Length,
                ["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" },
            });
        }

        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = children,
            ["annotations"] = new JsonObject { [IndexAnnotation] = "https://example.invalid/app" },
        };
        var reference = Reference(tag);
        await using (var destination = ImageTransports.OpenDestination(reference, fixture.Options))
        {
            var raw = new RawManifest(Encoding.UTF8.GetBytes(index.ToJsonString()), MediaTypes.OciIndex);
            await destination.PutRootManifestAsync(raw, Cancellation);
            await destination.CommitAsync(Cancellation);
        }

        await using var arm64 = ImageTransports.OpenSource(arm64Reference, fixture.Options);
        return (reference, (await arm64.GetManifestAsync(Cancellation)).Digest);
    }

    private async Task<PatchResult> PatchAsync(string image, string tag)
    {
        var keyring = Path.Combine(fixture.Root, PatchFixture.KeyringInRoot.TrimStart('/'));
        var repo = SourcesListParser.ParseLine(
            $"deb [signed-by={keyring}] {fixture.Repository} {PatchFixture.SecuritySuite} main");
        var options = new PatchOptions
        {
            UseImageSources = false,
            ExtraSources = [repo],
            CacheRoot = Path.Combine(TestCache.Root, "patch-debs"),
        };
        await using var source = ImageTransports.OpenSource(image, fixture.Options);
        await using var destination = ImageTransports.OpenDestination(Reference(tag), fixture.Options);
        return await new ImagePatcher(fixture.Http).PatchAsync(source, destination, options, Cancellation);
    }

    // Extracts libexpat1:arm64 and its dependencies once, keeping apt's downloads, then records
    // each package as distroless does: its stanza in status.d/NAME and its md5sums beside it.
    private static string Arm64Root() =>
        Mmdebstrap.Build(
            Path.Combine(TestCache.Root, "bookworm-arm64-expat"),
            new DebianRootSpec
            {
                Variant = "extract",
                Architecture = "arm64",
                Include = ["libexpat1"],
                Skip = ["cleanup/apt"],
            },
            finish: RecordAsDistroless);

    private static void RecordAsDistroless(string root)
    {
        var statusDirectory = Path.Combine(root, "var/lib/dpkg/status.d");
        Directory.CreateDirectory(statusDirectory);
        var archives = Path.Combine(root, "var/cache/apt/archives");
        foreach (var deb in Directory.GetFiles(archives, "*.deb"))
        {
            var control = ToolRunner.Run("dpkg-deb", ["-f", deb]).TrimEnd('\n');
            var name = control.Split('\n')[0]["Package: ".Length..];
            var firstBreak = control.IndexOf('\n', StringComparison.Ordinal);
            var stanza = control[..firstBreak] + "\nStatus: install ok installed" + control[firstBreak..];
            File.WriteAllText(Path.Combine(statusDirectory, name), stanza + "\n");
            var md5sums = ToolRunner.Run("sh", ["-c", "dpkg-deb --ctrl-tarfile \"$1\" | tar -xO ./md5sums", "sh", deb]);
            File.WriteAllText(Path.Combine(statusDirectory, name + ".md5sums"), md5sums);
            File.Delete(deb);
        }

        File.Delete(Path.Combine(root, "var/lib/dpkg/status"));
        Directory.Delete(Path.Combine(root, "var/lib/apt/lists"), recursive: true);
        Directory.Delete(Path.Combine(root, "var/cache/apt"), recursive: true);
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
