using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Import;

public sealed class DebianOsvImportTests(DebianOsvStore fullExport) : IClassFixture<DebianOsvStore>
{
    [Fact]
    public void Sample_AdvisoryBecomesRowPerCve()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("debian-osv/sample"));

        var rows = store.Rows("advisory = 'DSA-5514-1'");

        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal("CVE-2023-4911", row.Vulnerability));
        Assert.All(rows, row => Assert.Equal("glibc", row.Package));
        Assert.Equal(["debian:11", "debian:12"], rows.Select(r => r.Namespace));
        Assert.Equal(["2.31-13+deb11u7", "2.36-9+deb12u3"], rows.Select(r => r.FixedVersion));
    }

    [Fact]
    public void Sample_CveRecordKeepsUrgency()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("debian-osv/sample"));

        var row = Assert.Single(store.Rows("vulnerability = 'CVE-2023-4911' AND advisory = '' AND namespace = 'debian:12'"));

        Assert.Equal("fixed", row.Status);
        Assert.Equal("2.36-9+deb12u3", row.FixedVersion);
        Assert.Equal("not yet assigned", row.Severity);
    }

    [Fact]
    public void Sample_UnfixedIsOpenAndGitRangesIgnored()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("debian-osv/sample"));

        var rows = store.Rows("vulnerability = 'CVE-2025-25193'");

        Assert.Equal(["debian:11", "debian:12", "debian:13"], rows.Select(r => r.Namespace));
        Assert.All(rows, row => Assert.Equal("open", row.Status));
        Assert.All(rows, row => Assert.Equal("netty", row.Package));
        Assert.All(rows, row => Assert.Null(row.FixedVersion));
        Assert.Equal("GHSA-389x-839f-4rhx", rows[0].Aliases);
    }

    [Fact]
    public void Sample_KeepsOnlyDebianEcosystems()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("debian-osv/sample"));

        Assert.Equal(0, store.Count("SELECT COUNT(*) FROM affected WHERE namespace NOT LIKE 'debian:%'"));
    }

    [Fact]
    public void FullExport_ImportsEveryRelease()
    {
        var store = fullExport.Get();

        var status = Assert.Single(store.Store.GetStatus());

        Assert.Equal("debian-osv", status.Name);
        Assert.True(status.RecordCount > 100_000, $"{status.RecordCount} rows");
        Assert.Equal(0, status.MalformedCount);
        Assert.Contains("debian:10", status.Namespaces);
        Assert.Contains("debian:12", status.Namespaces);
        Assert.DoesNotContain(status.Namespaces, ns => !ns.StartsWith("debian:", StringComparison.Ordinal));
    }

    [Fact]
    public void FullExport_EndOfLifeUrgencyWillNotBeFixed()
    {
        var store = fullExport.Get();

        var row = Assert.Single(store.Rows(
            "vulnerability = 'CVE-2022-27227' AND namespace = 'debian:11' AND package = 'pdns-recursor'"));

        Assert.Equal("will-not-fix", row.Status);
        Assert.Equal("end-of-life", row.Severity);
        Assert.StartsWith("end-of-life", row.Reason);
    }

    [Fact]
    public void FullExport_DlaRowsNameTheirCves()
    {
        var store = fullExport.Get();

        var rows = store.Rows("advisory = 'DLA-3651-1'");

        Assert.Equal(["CVE-2023-5868", "CVE-2023-5869", "CVE-2023-5870"], rows.Select(r => r.Vulnerability));
        Assert.All(rows, row => Assert.Equal("debian:10", row.Namespace));
        Assert.All(rows, row => Assert.Equal("11.22-0+deb10u1", row.FixedVersion));
    }
}
