using Drydock.Advisories.Vex;
using Drydock.Images.Scan;
using Drydock.Images.Tests.Inventory;
using Drydock.Oci;

namespace Drydock.Images.Tests.Scan;

public sealed class VexFilterTests : IDisposable
{
    private static readonly FixedClock _march2025 = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly Digest _manifest = Digest.Compute("manifest"u8);
    private static readonly ScanImage _image = new("registry.test/app:1", _manifest);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("drydock-vex-");

    public void Dispose() => _folder.Delete(recursive: true);

    // The distroless status.d entry: libc6 2.36-9+deb12u1 from glibc, CVE-2023-4911 fixable
    // in layer 1 (DSA-5514-1).
    private async Task<ScanResult> ScanDistroless(ScanFilter filter, BaseImage? baseImage = null)
    {
        var inventory = await ScanImages.Inventory(
            new LayerBuilder().File("etc/os-release", ScanImages.BookwormOsRelease),
            new LayerBuilder().File("var/lib/dpkg/status.d/coreutils",
                ScanImages.Fixture("syft-status.d/coreutils-relationships")));
        using var store = ScanImages.DebianOsvSample(_folder.FullName);
        return new ImageScanner(store, _march2025).Scan(inventory, filter, _image, baseImage);
    }

    private static VexStatement Statement(VexStatus status, params VexProduct[] products) => new()
    {
        Vulnerabilities = ["CVE-2023-4911"],
        Products = products,
        Status = status,
        Justification = status == VexStatus.NotAffected ? "vulnerable_code_not_present" : null,
        Location = "test.json statements[0]",
        DocumentId = "https://vex.test/1",
    };

    public static TheoryData<string, VexProduct[]> SuppressingProducts => new()
    {
        { "no product", [] },
        { "image name", [new VexProduct { Id = "registry.test/app:1" }] },
        { "manifest digest", [new VexProduct { Id = _manifest.ToString() }] },
        { "oci purl", [new VexProduct { Purl = $"pkg:oci/app@{Uri.EscapeDataString(_manifest.ToString())}" }] },
        { "sha-256 hash", [new VexProduct { Id = "app", Hashes = new Dictionary<string, string> { ["sha-256"] = _manifest.Hex } }] },
        { "binary purl", [new VexProduct { Id = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=arm64" }] },
        { "source purl", [new VexProduct { Id = "pkg:deb/debian/glibc" }] },
        { "image with subcomponent", [new VexProduct
            {
                Id = "registry.test/app:1",
                Subcomponents = [new VexProduct { Purl = "pkg:deb/debian/glibc@2.36-9%2Bdeb12u1" }],
            }] },
    };

    [Theory]
    [MemberData(nameof(SuppressingProducts))]
    public async Task Scan_NotAffected_Suppresses(string name, VexProduct[] products)
    {
        Assert.NotEmpty(name);
        var statement = Statement(VexStatus.NotAffected, products);

        var result = await ScanDistroless(new ScanFilter { Vex = new VexFilter([statement]) });

        Assert.DoesNotContain(result.Findings, f => f.Finding.Vulnerability == "CVE-2023-4911");
        var suppressed = Assert.Single(result.Suppressed);
        Assert.Equal("CVE-2023-4911", suppressed.Finding.Finding.Vulnerability);
        Assert.Same(statement, suppressed.Statement);
        Assert.Equal(ScanOutcome.Clean, result.Outcome(allowEndOfLife: false));
    }

    public static TheoryData<string, VexProduct[]> OtherProducts => new()
    {
        { "other image", [new VexProduct { Id = "registry.test/other:1" }] },
        { "other digest", [new VexProduct { Id = Digest.Compute("other"u8).ToString() }] },
        { "other version", [new VexProduct { Id = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u3" }] },
        { "other arch", [new VexProduct { Id = "pkg:deb/debian/libc6?arch=amd64" }] },
        { "apk type", [new VexProduct { Id = "pkg:apk/alpine/glibc" }] },
        { "image with other subcomponent", [new VexProduct
            {
                Id = "registry.test/app:1",
                Subcomponents = [new VexProduct { Purl = "pkg:deb/debian/openssl" }],
            }] },
    };

    [Theory]
    [MemberData(nameof(OtherProducts))]
    public async Task Scan_OtherProduct_KeepsFinding(string name, VexProduct[] products)
    {
        Assert.NotEmpty(name);

        var result = await ScanDistroless(new ScanFilter
        {
            Vex = new VexFilter([Statement(VexStatus.NotAffected, products)]),
        });

        Assert.Contains(result.Findings, f => f.Finding.Vulnerability == "CVE-2023-4911");
        Assert.Empty(result.Suppressed);
    }

    [Fact]
    public async Task Scan_LaterAffected_OverridesNotAffected()
    {
        var earlier = Statement(VexStatus.NotAffected) with { Timestamp = DateTimeOffset.Parse("2024-01-01T00:00:00Z") };
        var later = Statement(VexStatus.Affected) with { Timestamp = DateTimeOffset.Parse("2024-06-01T00:00:00Z") };

        var result = await ScanDistroless(new ScanFilter { Vex = new VexFilter([later, earlier]) });

        Assert.Contains(result.Findings, f => f.Finding.Vulnerability == "CVE-2023-4911");
        Assert.Empty(result.Suppressed);
    }

    [Fact]
    public async Task Scan_FixedStatement_Suppresses()
    {
        var result = await ScanDistroless(new ScanFilter { Vex = new VexFilter([Statement(VexStatus.Fixed)]) });

        Assert.Equal(VexStatus.Fixed, Assert.Single(result.Suppressed).Statement.Status);
    }

    [Fact]
    public async Task Scan_SuppressedBeforeFilters_NotCountedFiltered()
    {
        var result = await ScanDistroless(new ScanFilter
        {
            Vex = new VexFilter([Statement(VexStatus.NotAffected)]),
            Severities = ScanFilter.ParseSeverities("critical"),
        });

        Assert.Single(result.Suppressed);
        Assert.Equal(0, result.Filtered);
    }

    [Theory]
    [InlineData("bottom layer only", 1, false)]
    [InlineData("both layers", 2, true)]
    public async Task Scan_BaseImage_SplitsByDiffId(string name, int baseLayers, bool fromBase)
    {
        Assert.NotEmpty(name);
        var inventory = await ScanImages.Inventory(
            new LayerBuilder().File("etc/os-release", ScanImages.BookwormOsRelease),
            new LayerBuilder().File("var/lib/dpkg/status.d/coreutils",
                ScanImages.Fixture("syft-status.d/coreutils-relationships")));
        var baseImage = new BaseImage
        {
            DiffIds = inventory.Layers.Take(baseLayers).Select(l => l.DiffId).ToList(),
            Origin = "--base-layers",
        };
        using var store = ScanImages.DebianOsvSample(_folder.FullName);

        var result = new ImageScanner(store, _march2025).Scan(inventory, null, _image, baseImage);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(fromBase, result.FromBase(finding));
        Assert.Same(baseImage, result.Base);
    }

    [Fact]
    public async Task Scan_NoBaseImage_OriginUnknown()
    {
        var result = await ScanDistroless(new ScanFilter());

        Assert.Null(result.FromBase(Assert.Single(result.Findings)));
    }
}
