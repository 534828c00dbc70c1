using Drydock.Advisories;
using Drydock.Images.Scan;
using Drydock.Images.Tests.Inventory;
using Drydock.Oci;

namespace Drydock.Images.Tests.Scan;

public sealed class ImageScannerTests : IDisposable
{
    private static readonly FixedClock _march2025 = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("drydock-scan-");

    public void Dispose() => _folder.Delete(recursive: true);

    // The distroless status.d entry lists libc6 2.36-9+deb12u1 from glibc, which
    // DSA-5514-1 fixes in 2.36-9+deb12u3 (CVE-2023-4911).
    private async Task<(ScanResult Result, Digest Upper)> ScanDistroless(ScanFilter? filter = null,
        string? osRelease = null, TimeProvider? clock = null)
    {
        var upper = new LayerBuilder().File("var/lib/dpkg/status.d/coreutils",
            ScanImages.Fixture("syft-status.d/coreutils-relationships"));
        var inventory = await ScanImages.Inventory(
            new LayerBuilder().File("etc/os-release", osRelease ?? ScanImages.BookwormOsRelease), upper);
        using var store = ScanImages.DebianOsvSample(_folder.FullName);
        var result = new ImageScanner(store, clock ?? _march2025).Scan(inventory, filter);
        return (result, inventory.Layers[1].DiffId!.Value);
    }

    [Fact]
    public async Task Scan_BinaryOfVulnerableSource_IsFixableInItsLayer()
    {
        var (result, upper) = await ScanDistroless();

        Assert.True(result.HasData);
        Assert.False(result.EndOfLife);
        Assert.Equal("debian:12", result.Namespace.ToString());
        var finding = Assert.Single(result.Findings);
        Assert.Equal("CVE-2023-4911", finding.Finding.Vulnerability);
        Assert.Equal("libc6", finding.Finding.Package.Name);
        Assert.Equal("2.36-9+deb12u1", finding.Finding.Package.Version);
        Assert.Equal("glibc", finding.Finding.MatchedName);
        Assert.Equal(Verdict.Fixable, finding.Finding.Verdict);
        Assert.Equal("2.36-9+deb12u3", finding.Finding.FixedVersion);
        Assert.Contains("DSA-5514-1", finding.Finding.Advisories);
        Assert.Equal(1, finding.LayerIndex);
        Assert.Equal(upper, finding.LayerDiffId);
        Assert.Equal(ScanOutcome.Findings, result.Outcome(allowEndOfLife: false));
    }

    [Fact]
    public async Task Scan_IgnoreUnfixed_KeepsFixable()
    {
        var (result, _) = await ScanDistroless(new ScanFilter { IgnoreUnfixed = true });

        Assert.Equal("CVE-2023-4911", Assert.Single(result.Findings).Finding.Vulnerability);
    }

    [Fact]
    public async Task Scan_SeverityFilter_DropsOtherSeverities()
    {
        var (result, _) = await ScanDistroless(new ScanFilter { Severities = ScanFilter.ParseSeverities("critical") });

        Assert.Empty(result.Findings);
        Assert.Equal(1, result.Filtered);
        Assert.Equal(ScanOutcome.Clean, result.Outcome(allowEndOfLife: false));
    }

    [Fact]
    public async Task Scan_ReleaseWithoutData_ReportsNoData()
    {
        var inventory = await ScanImages.Inventory(new LayerBuilder()
            .File("etc/os-release", ScanImages.BusterOsRelease)
            .File("var/lib/dpkg/status", ScanImages.Fixture("claircore-postgresql.status")));
        using var store = ScanImages.DebianOsvSample(_folder.FullName);

        var result = new ImageScanner(store, _march2025).Scan(inventory);

        Assert.False(result.HasData);
        Assert.True(result.EndOfLife);
        Assert.Equal("debian:10", result.Namespace.ToString());
        Assert.Empty(result.Findings);
        Assert.Contains(result.Warnings, w => w.Contains("'debian:10'", StringComparison.Ordinal));
        Assert.Equal(ScanOutcome.NoData, result.Outcome(allowEndOfLife: true));
    }

    [Fact]
    public async Task Scan_EndedRelease_IsEndOfLife()
    {
        var (result, _) = await ScanDistroless(osRelease: ScanImages.BullseyeOsRelease,
            clock: new FixedClock(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.True(result.HasData);
        Assert.True(result.EndOfLife);
        Assert.Contains(result.Warnings, w => w.Contains("'debian:11'", StringComparison.Ordinal));
        Assert.Equal(ScanOutcome.EndOfLife, result.Outcome(allowEndOfLife: false));
        Assert.Equal(ScanOutcome.Clean, result.Outcome(allowEndOfLife: true));
    }

    [Fact]
    public async Task Scan_OldAdvisoryData_IsReportedStale()
    {
        var (result, _) = await ScanDistroless(
            clock: new FixedClock(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
            osRelease: ScanImages.BookwormOsRelease);

        Assert.Contains(result.Warnings, w => w.Contains("'debian:12'", StringComparison.Ordinal)
            && w.Contains("days old", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_CurrentAdvisoryData_IsNotReportedStale()
    {
        // The sample's newest advisory is from 2025-02-12.
        var (result, _) = await ScanDistroless(
            clock: new FixedClock(new DateTimeOffset(2025, 2, 15, 0, 0, 0, TimeSpan.Zero)));

        Assert.DoesNotContain(result.Warnings, w => w.Contains("days old", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_DatabaseRemovedByWhiteout_ReportsNoData()
    {
        var inventory = await ScanImages.Inventory(
            new LayerBuilder()
                .File("etc/os-release", ScanImages.BookwormOsRelease)
                .File("var/lib/dpkg/status", ScanImages.Fixture("claircore-postgresql.status")),
            new LayerBuilder().Whiteout("var/lib/dpkg"));
        using var store = ScanImages.DebianOsvSample(_folder.FullName);

        var result = new ImageScanner(store, _march2025).Scan(inventory);

        Assert.False(result.HasData);
        Assert.Equal(0, result.PackageCount);
        Assert.Contains(result.Warnings, w => w.Contains("no installed package", StringComparison.Ordinal));
        Assert.Equal(ScanOutcome.NoData, result.Outcome(allowEndOfLife: true));
    }

    [Fact]
    public async Task Scan_DatabaseProblems_AreReportWarnings()
    {
        var inventory = await ScanImages.Inventory(new LayerBuilder()
            .File("etc/os-release", ScanImages.BookwormOsRelease)
            .File("var/lib/dpkg/status", "Package: broken\nStatus: install ok installed\n\n")
            .File("var/lib/dpkg/status.d/coreutils", ScanImages.Fixture("syft-status.d/coreutils-relationships")));
        using var store = ScanImages.DebianOsvSample(_folder.FullName);

        var result = new ImageScanner(store, _march2025).Scan(inventory);

        Assert.True(result.HasData);
        Assert.Contains(result.Warnings, w => w.StartsWith("/var/lib/dpkg/status:", StringComparison.Ordinal)
            && w.Contains("'broken'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_NoOsRelease_ReportsNoData()
    {
        var inventory = await ScanImages.Inventory(new LayerBuilder()
            .File("var/lib/dpkg/status.d/coreutils", ScanImages.Fixture("syft-status.d/coreutils-relationships")));
        using var store = ScanImages.DebianOsvSample(_folder.FullName);

        var result = new ImageScanner(store, _march2025).Scan(inventory);

        Assert.False(result.HasData);
        Assert.Null(result.Namespace);
        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData("high,critical")]
    [InlineData(" Low , medium ")]
    public void ParseSeverities_KnownNames_Parses(string list) => Assert.Equal(2, ScanFilter.ParseSeverities(list).Count);

    [Theory]
    [InlineData("severe")]
    [InlineData("3")]
    public void ParseSeverities_UnknownName_Throws(string list) =>
        Assert.Contains($"'{list}'", Assert.Throws<ArgumentException>(() => ScanFilter.ParseSeverities(list)).Message,
            StringComparison.Ordinal);
}
