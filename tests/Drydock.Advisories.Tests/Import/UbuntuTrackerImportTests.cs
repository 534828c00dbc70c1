using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Import;

public sealed class UbuntuTrackerImportTests
{
    [Fact]
    public void Tracker_ReleasedNoteIsFixedVersion()
    {
        using var store = ImportSample();

        var row = Assert.Single(store.Rows(
            "vulnerability = 'CVE-2024-6387' AND namespace = 'ubuntu:22.04' AND package = 'openssh'"));

        Assert.Equal("ubuntu-tracker", row.Source);
        Assert.Equal("fixed", row.Status);
        Assert.Equal("1:8.9p1-3ubuntu0.10", row.FixedVersion);
        Assert.Equal("high", row.Severity);
    }

    [Fact]
    public void Tracker_NotAffectedKeepsNote()
    {
        using var store = ImportSample();

        var row = Assert.Single(store.Rows(
            "vulnerability = 'CVE-2024-6387' AND namespace = 'ubuntu:20.04' AND package = 'openssh'"));

        Assert.Equal("not-affected", row.Status);
        Assert.Equal("introduced in v8.5p1", row.Reason);
    }

    [Fact]
    public void Tracker_SkipsProPocketsAndUnknownReleases()
    {
        using var store = ImportSample();

        var namespaces = store.Rows("1 = 1").Select(r => r.Namespace).Distinct().ToList();

        Assert.All(namespaces, ns => Assert.Matches(@"^ubuntu:\d\d\.\d\d$", ns));
    }

    [Fact]
    public void Tracker_DoesNotExistHasNoRow()
    {
        using var store = ImportSample();

        // CVE-2024-3094 (xz backdoor): every release but the development one is DNE or not-affected.
        var rows = store.Rows("vulnerability = 'CVE-2024-3094' AND package = 'xz-utils' AND namespace = 'ubuntu:18.04'");

        Assert.DoesNotContain(rows, r => r.Status != "not-affected");
    }

    private static TemporaryStore ImportSample()
    {
        var path = SharedData.Require("ubuntu-cve-tracker/sample");
        var store = new TemporaryStore();
        store.Import(path);
        return store;
    }
}

public sealed class UbuntuTrackerExportTests(UbuntuTrackerStore fullExport) : IClassFixture<UbuntuTrackerStore>
{
    [Fact]
    public void Export_ImportsEveryCve()
    {
        var status = Assert.Single(fullExport.Get().Store.GetStatus());

        Assert.Equal("ubuntu-tracker", status.Name);
        Assert.True(status.RecordCount > 100_000, $"{status.RecordCount} rows");
        Assert.Contains("ubuntu:18.04", status.Namespaces);
        Assert.Contains("ubuntu:24.04", status.Namespaces);
        Assert.True(status.MalformedCount < status.RecordCount / 100, $"{status.MalformedCount} malformed");
    }

    [Fact]
    public void Export_ProOnlyFixStaysOpen()
    {
        var row = Assert.Single(fullExport.Get().Rows(
            "vulnerability = 'CVE-2023-39804' AND namespace = 'ubuntu:18.04' AND package = 'tar'"));

        Assert.Equal("open", row.Status);
        Assert.Null(row.FixedVersion);
        Assert.Equal("fixed only in Ubuntu Pro: esm-infra/bionic 1.29b-2ubuntu0.4+esm1", row.Reason);
    }

    [Fact]
    public void Export_IgnoredWillNotBeFixed()
    {
        var row = Assert.Single(fullExport.Get().Rows(
            "vulnerability = 'CVE-2016-10739' AND namespace = 'ubuntu:18.04' AND package = 'glibc'"));

        Assert.Equal("will-not-fix", row.Status);
        Assert.Equal("end of standard support", row.Reason);
        Assert.Equal("low", row.Severity);
    }

    [Fact]
    public void Export_ProPocketOnlyEntryIsKept()
    {
        var row = Assert.Single(fullExport.Get().Rows(
            "vulnerability = 'CVE-2024-28085' AND namespace = 'ubuntu:18.04' AND package = 'util-linux'"));

        Assert.Equal("open", row.Status);
        Assert.Equal("needs-triage", row.Reason);
    }
}
