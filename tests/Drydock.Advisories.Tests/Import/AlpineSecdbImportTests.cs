using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Import;

public sealed class AlpineSecdbImportTests(AlpineSecdbStore allReleases) : IClassFixture<AlpineSecdbStore>
{
    [Fact]
    public void Secdb_FixIsKeyedByOrigin()
    {
        var row = Assert.Single(allReleases.Get().Rows(
            "vulnerability = 'CVE-2023-2650' AND namespace = 'alpine:3.18' AND package = 'openssl'"));

        Assert.Equal("alpine-secdb", row.Source);
        Assert.Equal("fixed", row.Status);
        Assert.Equal("3.1.1-r0", row.FixedVersion);
        Assert.Null(row.Severity);
    }

    [Fact]
    public void Secdb_VersionZeroIsNotAffected()
    {
        var row = Assert.Single(allReleases.Get().Rows(
            "vulnerability = 'CVE-2023-45853' AND namespace = 'alpine:3.16' AND package = 'zlib'"));

        Assert.Equal("not-affected", row.Status);
        Assert.Null(row.FixedVersion);
    }

    [Fact]
    public void Secdb_NeverOpen()
    {
        Assert.Equal(0, allReleases.Get().Count(
            "SELECT COUNT(*) FROM affected WHERE status NOT IN ('fixed', 'not-affected')"));
    }

    [Fact]
    public void Secdb_SecondIdBecomesAlias()
    {
        var row = Assert.Single(allReleases.Get().Rows(
            "vulnerability = 'CVE-2018-5244' AND namespace = 'alpine:3.16' AND package = 'xen'"));

        Assert.Equal("XSA-253", row.Aliases);
    }

    [Fact]
    public void Secdb_LineWithoutCveKeepsItsId()
    {
        var rows = allReleases.Get().Rows("vulnerability = 'ALPINE-13661' AND namespace = 'alpine:3.16'");

        // "ALPINE-13661" and "CVE-2022-28391" are separate lines of busybox 1.35.0-r7.
        var row = Assert.Single(rows);
        Assert.Equal("busybox", row.Package);
        Assert.Equal("1.35.0-r7", row.FixedVersion);
    }

    [Fact]
    public void Secdb_EveryReleaseIsANamespace()
    {
        var status = Assert.Single(allReleases.Get().Store.GetStatus());

        Assert.Contains("alpine:3.2", status.Namespaces);
        Assert.Contains("alpine:3.21", status.Namespaces);
        Assert.Contains("alpine:edge", status.Namespaces);
    }

    [Fact]
    public void Secdb_InvalidVersionsAreReported()
    {
        using var store = new TemporaryStore();

        var result = store.Import(SharedData.Require("alpine-secdb"));

        // Upstream secdb has fixing versions that apk rejects, such as "2021-03-27-r5" and
        // "10.0.11-0"; each is reported and the rest imported.
        Assert.True(result.MalformedCount > 0);
        Assert.Contains(result.Malformed, m => m.Problem.Contains("'2021-03-27-r5'", StringComparison.Ordinal));
        Assert.All(result.Malformed, m => Assert.False(string.IsNullOrEmpty(m.Id)));
    }
}
