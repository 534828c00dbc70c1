using System.Text;
using Drydock.Images.Patch;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// The base image with the dpkg configuration a slim image carries: documentation and manual
/// pages excluded but copyright files kept, a stat override on <c>/usr/bin/openssl</c> and a
/// local diversion of <c>/usr/bin/c_rehash</c>.
/// </summary>
public sealed class DpkgConfigurationTests(PatchFixture fixture) : IClassFixture<PatchFixture>
{
    private const string Filters =
        "# Keep images small\npath-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\n"
        + "path-exclude /usr/share/man/*\n";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Patch_HonoursPathFilters()
    {
        fixture.Require();

        var layer = await PatchLayerAsync("filters", new Dictionary<string, byte[]?>
        {
            ["etc/dpkg/dpkg.cfg.d/excludes"] = Encoding.UTF8.GetBytes(Filters),
        });

        var docs = layer.Keys.Where(p => p.StartsWith("usr/share/doc/", StringComparison.Ordinal)).ToList();
        Assert.Contains("usr/share/doc/libssl3/copyright", docs);
        Assert.All(docs, path => Assert.EndsWith("/copyright", path, StringComparison.Ordinal));
        Assert.DoesNotContain(layer.Keys, p => p.StartsWith("usr/share/man/", StringComparison.Ordinal));
        Assert.DoesNotContain(
            layer.Values, e => e.Kind == LayerEntryKind.Whiteout && e.Path.StartsWith("usr/share/doc/", StringComparison.Ordinal));
        Assert.Contains("var/lib/dpkg/info/libssl3:amd64.list", layer.Keys);
    }

    [Fact]
    public async Task Patch_AppliesStatOverride()
    {
        fixture.Require();

        var layer = await PatchLayerAsync("statoverride", new Dictionary<string, byte[]?>
        {
            ["var/lib/dpkg/statoverride"] = Encoding.UTF8.GetBytes("root shadow 0750 /usr/bin/openssl\n"),
        });

        var openssl = layer["usr/bin/openssl"];
        Assert.Equal(0, openssl.Uid);
        Assert.Equal(42, openssl.Gid);
        Assert.Equal((UnixFileMode)Convert.ToInt32("750", 8), openssl.Mode);
    }

    [Fact]
    public async Task Patch_WritesDivertedFileAtDivertTo()
    {
        fixture.Require();

        var layer = await PatchLayerAsync("diversion", new Dictionary<string, byte[]?>
        {
            ["var/lib/dpkg/diversions"] = Encoding.UTF8.GetBytes("/usr/bin/c_rehash\n/usr/bin/c_rehash.distrib\n:\n"),
        });

        Assert.Contains("usr/bin/c_rehash.distrib", layer.Keys);
        Assert.DoesNotContain("usr/bin/c_rehash", layer.Keys);
    }

    [Fact]
    public async Task Patch_RejectsMalformedDiversions()
    {
        fixture.Require();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PatchLayerAsync("bad-diversions",
            new Dictionary<string, byte[]?> { ["var/lib/dpkg/diversions"] = Encoding.UTF8.GetBytes("/usr/bin/x\n") }));

        Assert.Contains("/var/lib/dpkg/diversions", error.Message, StringComparison.Ordinal);
    }

    // Patches the base image with the given files on top and returns the patch layer's entries.
    private async Task<Dictionary<string, LayerEntry>> PatchLayerAsync(string tag, IReadOnlyDictionary<string, byte[]?> files)
    {
        var image = await fixture.PushVariantAsync(tag, files);
        var output = $"{fixture.Registry.Host}/patch/base:{tag}-patched";
        await using (var source = ImageTransports.OpenSource(image, fixture.Options))
        await using (var destination = ImageTransports.OpenDestination(output, fixture.Options))
        {
            var options = new PatchOptions { CacheRoot = Path.Combine(TestCache.Root, "patch-debs") };
            await new ImagePatcher(fixture.Http).PatchAsync(source, destination, options, Cancellation);
        }

        await using var patched = ImageTransports.OpenSource(output, fixture.Options);
        var resolved = await ResolvedImage.LoadAsync(patched, null, Cancellation);
        using var reader = await resolved.OpenLayerAsync(resolved.Layers[^1], null, Cancellation);
        var entries = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        while (reader.Next() is { } entry)
        {
            entries[entry.Path] = entry;
        }

        return entries;
    }
}
