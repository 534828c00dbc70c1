using System.Text;
using System.Text.Json.Nodes;
using Drydock.Images.Patch;
using Drydock.Oci;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
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

    [Fact]
    public async Task Patch_PatchesSamePlatformChildrenApart()
    {
        fixture.Require();
        var (index, children) = await PushSamePlatformIndexAsync("same");

        var result = await PatchAsync(index, "same-patched");

        Assert.Equal(3, result.Platforms.Count);
        Assert.All(result.Platforms, p => Assert.Equal("linux/amd64", $"{p.Platform.Os}/{p.Platform.Architecture}"));
        var full = result.Platforms[0].Result;
        var expat = result.Platforms[1].Result;
        var repeated = result.Platforms[2].Result;
        Assert.Contains(full.Packages, p => p.Name == "libssl3");
        Assert.Contains(full.Packages, p => p.Name == "libexpat1");
        Assert.Equal(["libexpat1"], expat.Packages.Select(p => p.Name));
        Assert.Same(expat, repeated);
        Assert.NotEqual(full.ManifestDigest, expat.ManifestDigest);
        Assert.Equal(full.Packages.Count + expat.Packages.Count, result.Packages.Count);

        // skopeo reads the index the registry serves, and umoci unpacks each child it lists.
        var raw = ToolRunner.Run(
            "skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{Reference("same-patched")}"]);
        var listed = JsonNode.Parse(raw)!["manifests"]!.AsArray().Select(m => (string)m!["digest"]!).ToList();
        Assert.Equal([$"{full.ManifestDigest}", $"{expat.ManifestDigest}", $"{expat.ManifestDigest}"], listed);
        Assert.NotEqual(children[0].ToString(), listed[0]);
        Assert.NotEqual(children[1].ToString(), listed[1]);
        var fullRoot = UnpackWithUmoci(listed[0]);
        var expatRoot = UnpackWithUmoci(listed[1]);
        var status = File.ReadAllText(Path.Combine(fullRoot, "var/lib/dpkg/status"));
        Assert.Contains("Package: libssl3\nStatus: install ok installed\n", status, StringComparison.Ordinal);
        var expatRecord = File.ReadAllText(Path.Combine(expatRoot, "var/lib/dpkg/status.d/libexpat1"));
        Assert.Contains("\nVersion: 2.5.0-1+deb12u5\n", expatRecord, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(expatRoot, "usr/bin/openssl")));
        Assert.False(File.Exists(Path.Combine(expatRoot, "var/lib/dpkg/status")));
    }

    private string UnpackWithUmoci(string digest)
    {
        var layout = Path.Combine(fixture.Directory, "umoci-" + Guid.NewGuid().ToString("N"));
        ToolRunner.Run("skopeo", [
            "copy", "--src-tls-verify=false",
            $"docker://{fixture.Registry.Host}/patch/multi@{digest}", $"oci:{layout}:child"]);
        var bundle = layout + "-bundle";
        ToolRunner.Run("umoci", ["unpack", "--image", layout + ":child", bundle]);
        return Path.Combine(bundle, "rootfs");
    }

    // An index of three linux/amd64 children: the base image, an image of libexpat1 alone and
    // the same libexpat1 image again, listed with an os.features entry.
    private async Task<(string Index, Digest[] Children)> PushSamePlatformIndexAsync(string tag)
    {
        var fullReference = Reference(tag + "-full");
        await using (var from = ImageTransports.OpenSource(fixture.Image, fixture.Options))
        await using (var to = ImageTransports.OpenDestination(fullReference, fixture.Options))
        {
            await ImageCopier.CopyAsync(from, to, new CopyOptions(), Cancellation);
        }

        var expatReference = Reference(tag + "-expat");
        await fixture.PushRootAsync(ExpatRoot("amd64"), expatReference, "amd64");
        var children = new JsonArray();
        var digests = new List<Digest>();
        var listing = new[] { (fullReference, false), (expatReference, false), (expatReference, true) };
        foreach (var (child, features) in listing)
        {
            await using var source = ImageTransports.OpenSource(child, fixture.Options);
            var manifest = await source.GetManifestAsync(Cancellation);
            var platform = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux" };
            if (features)
            {
                platform["os.features"] = new JsonArray("drydock-test");
            }

            children.Add(new JsonObject
            {
                ["mediaType"] = manifest.MediaType,
                ["digest"] = manifest.Digest.ToString(),
                ["size"] = manifest.Bytes.Length,
                ["platform"] = platform,
            });
            digests.Add(manifest.Digest);
        }

        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = children,
        };
        var reference = Reference(tag);
        await using var destination = ImageTransports.OpenDestination(reference, fixture.Options);
        var raw = new RawManifest(Encoding.UTF8.GetBytes(index.ToJsonString()), MediaTypes.OciIndex);
        await destination.PutRootManifestAsync(raw, Cancellation);
        await destination.CommitAsync(Cancellation);
        return (reference, [.. digests]);
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

    private Task<PatchResult> PatchAsync(string image, string tag) =>
        fixture.PatchFromSecurityAsync(image, Reference(tag));

    // Extracts libexpat1 and its dependencies for one architecture once, keeping apt's downloads, then records
    // each package as distroless does: its stanza in status.d/NAME and its md5sums beside it.
    private static string Arm64Root() => ExpatRoot("arm64");

    private static string ExpatRoot(string architecture) =>
        Mmdebstrap.Build(
            Path.Combine(TestCache.Root, $"bookworm-{architecture}-expat"),
            new DebianRootSpec
            {
                Variant = "extract",
                Architecture = architecture,
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
