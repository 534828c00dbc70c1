using System.Text.Json;
using Drydock.Images.Inventory;
using Drydock.Images.Tests.Inventory;
using Drydock.Testing;
using Drydock.Testing.Rootfs;

namespace Drydock.Images.Tests.RealImages;

[Collection("real images")]
public sealed class RealImageInventoryTests
{
    private static async Task<ImageInventoryResult> Read(string layout) =>
        await ImageInventory.ReadAsync(UmociImage.View(layout), null, TestContext.Current.CancellationToken);

    private static List<string> Lines(ImageInventoryResult result) => result.Packages
        .Select(p => $"{p.Package.Name}\t{p.Package.Version}\t{p.Package.Architecture}")
        .Order(StringComparer.Ordinal)
        .ToList();

    // What dpkg itself lists for the root, asked from outside it with --admindir.
    private static List<string> DpkgQuery(string root)
    {
        var (exitCode, output, errors) = DebianRootfs.Capture("dpkg-query", "--admindir=" + Path.Combine(root, "var/lib/dpkg"),
            "-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n");
        Assert.True(exitCode == 0, errors);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Split('\t')[0].Trim() is not ("un" or "pn" or "rc"))
            .Select(line => line[(line.IndexOf('\t') + 1)..])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public async Task Single_layer_matches_dpkg_query()
    {
        var (layout, root) = UmociImage.SingleLayer();

        var result = await Read(layout);

        Assert.Equal(DpkgQuery(root), Lines(result));
        Assert.All(result.Packages, p => Assert.Equal(0, p.LayerIndex));
        Assert.Empty(result.Diagnostics);
        Assert.Contains("VERSION_CODENAME=bookworm", result.ReleaseFiles["/etc/os-release"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_layers_match_dpkg_query()
    {
        var (layout, root) = UmociImage.TwoLayers();

        var result = await Read(layout);

        Assert.Equal(DpkgQuery(root), Lines(result));
    }

    [Fact]
    public async Task Two_layers_attribute_installed_package_to_top()
    {
        var (layout, _) = UmociImage.TwoLayers();

        var result = await Read(layout);

        Assert.Equal(2, result.Layers.Count);
        var added = result.Packages.Where(p => p.LayerIndex == 1).Select(p => p.Package.Name).ToList();
        Assert.Equal([UmociImage.AddedPackage], added);
        var less = result.Packages.Single(p => p.Package.Name == UmociImage.AddedPackage);
        Assert.Equal(result.Layers[1].DiffId, less.LayerDiffId);
        Assert.Equal(result.Layers[0].DiffId, result.Packages.Single(p => p.Package.Name == "bash").LayerDiffId);
    }

    [Fact]
    public async Task Minbase_fixture_matches_trivy()
    {
        var fixture = SharedData.Require("pkgdb-fixtures/dpkg/debian12-minbase-debootstrap");
        var layer = new LayerBuilder()
            .File("var/lib/dpkg/status", File.ReadAllText(Path.Combine(fixture, "var/lib/dpkg/status")))
            .File("etc/os-release", File.ReadAllText(Path.Combine(fixture, "etc/os-release")));

        var result = await ImageInventory.ReadAsync(LayerBuilder.View(layer), null, TestContext.Current.CancellationToken);

        Assert.Equal(TrivyPackages(Path.Combine(fixture, "trivy-cdxgen-0.74.0.cdx.json")), Lines(result));
    }

    // Trivy writes the version with its epoch and the architecture as a purl qualifier; purl
    // text is not compared because tools spell qualifiers differently.
    private static List<string> TrivyPackages(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("components").EnumerateArray()
            .Where(c => c.GetProperty("type").GetString() == "library")
            .Select(c =>
            {
                var purl = c.GetProperty("purl").GetString()!;
                var arch = purl.Split('?')[1].Split('&').Single(q => q.StartsWith("arch=", StringComparison.Ordinal))[5..];
                return $"{c.GetProperty("name").GetString()}\t{c.GetProperty("version").GetString()}\t{arch}";
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
