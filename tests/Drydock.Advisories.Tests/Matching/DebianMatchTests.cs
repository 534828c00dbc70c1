using Drydock.Advisories.Matching;
using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Matching;

// Expected findings were checked by hand against the records of the Debian OSV export of
// 2025-02-12, comparing versions with `dpkg --compare-versions`.
public sealed class DebianMatchTests(DebianOsvStore feed) : IClassFixture<DebianOsvStore>
{
    private static readonly AdvisoryNamespace s_debian10 = AdvisoryNamespace.Parse("debian:10");
    private static readonly AdvisoryNamespace s_debian11 = AdvisoryNamespace.Parse("debian:11");
    private static readonly AdvisoryNamespace s_debian12 = AdvisoryNamespace.Parse("debian:12");

    [Fact]
    public void Distroless_SqliteFixableWithAdvisory()
    {
        var result = Match(s_debian11, Distroless());

        result.Fixable("libsqlite3-0", "CVE-2021-36690", "3.34.1-3+deb11u1");
        result.Fixable("libsqlite3-0", "CVE-2023-7104", "3.34.1-3+deb11u1");
        var finding = result.Single("libsqlite3-0", "CVE-2023-7104");
        Assert.Equal(["DLA-3907-1"], finding.Advisories);
        Assert.Equal("sqlite3", finding.MatchedName);
        Assert.Equal("debian-osv", finding.Source);
    }

    [Fact]
    public void Distroless_UnimportantAndResolved()
    {
        var result = Match(s_debian11, Distroless());

        result.Verdict("libsqlite3-0", "CVE-2021-45346", Verdict.Unimportant);
        result.Verdict("libsqlite3-0", "CVE-2022-35737", Verdict.Unimportant);
        Assert.Equal(Severity.Negligible, result.Single("libsqlite3-0", "CVE-2022-35737").Severity);
        // Fixed in 3.34.1-1, before the installed 3.34.1-3.
        result.None("libsqlite3-0", "CVE-2021-20227");
    }

    [Fact]
    public void StatusD_GlibcDsaMergedIntoCve()
    {
        var packages = InstalledPackages.ReadDpkgStatusFolder(SharedDataFolder("coreutils-relationships"));

        var result = Match(s_debian12, packages);

        result.Fixable("libc6", "CVE-2023-4911", "2.36-9+deb12u3");
        var finding = result.Single("libc6", "CVE-2023-4911");
        Assert.Equal(["DSA-5514-1"], finding.Advisories);
        Assert.Equal("glibc", finding.MatchedName);
        Assert.Equal("2.36-9+deb12u1", finding.MatchedVersion);
        Assert.Equal(1, result.Findings.Count(f => f.Vulnerability == "CVE-2023-4911"));
    }

    [Fact]
    public void Postgresql_ComparedBySourceVersion()
    {
        var packages = InstalledPackages.ReadDpkgStatus(
            SharedData.Require("pkgdb-fixtures/dpkg/claircore-postgresql.status"));

        var result = Match(s_debian10, packages);

        // postgresql-client 11+200+deb10u5 comes from postgresql-common 200+deb10u5, past
        // DSA-4568-1's fix 200+deb10u3; the binary version would wrongly sort before it.
        Assert.True(result.HasData);
        result.None("postgresql-client", "CVE-2019-3466");
        result.None("postgresql-client-common", "CVE-2019-3466");
        // postgresql-11 11.22-0+deb10u2 is DLA-3764-1's fix, the newest in the export.
        Assert.Empty(result.Findings);
        Assert.True(result.EndOfLife);
    }

    [Fact]
    public void Minbase_OpenAndUnimportant()
    {
        var result = Match(s_debian12, Minbase());

        result.Verdict("coreutils", "CVE-2016-2781", Verdict.Open);
        Assert.Equal("low", result.Single("coreutils", "CVE-2016-2781").DistributionSeverity);
        result.Verdict("zlib1g", "CVE-2023-45853", Verdict.Open);
        result.Verdict("passwd", "CVE-2023-4641", Verdict.Open);
        result.Verdict("login", "CVE-2024-56433", Verdict.Open);
        result.Verdict("libpam0g", "CVE-2024-22365", Verdict.Open);
        result.Verdict("libc6", "CVE-2025-0395", Verdict.Open);
        result.Verdict("apt", "CVE-2011-3374", Verdict.Unimportant);
        result.Verdict("tar", "CVE-2005-2541", Verdict.Unimportant);
        result.Verdict("libc6", "CVE-2010-4756", Verdict.Unimportant);
        result.Verdict("libc-bin", "CVE-2010-4756", Verdict.Unimportant);
        result.Verdict("bsdutils", "CVE-2022-0563", Verdict.Unimportant);
        result.Verdict("libsystemd0", "CVE-2013-4392", Verdict.Unimportant);
        result.Verdict("perl-base", "CVE-2011-4116", Verdict.Unimportant);
    }

    [Fact]
    public void Minbase_NothingFixableInOlderFeed()
    {
        var result = Match(s_debian12, Minbase());

        // The image (Debian 12.15) is newer than every fix in the export: 13 open and 23
        // unimportant (source, CVE) pairs remain.
        Assert.DoesNotContain(result.Findings, f => f.Verdict == Verdict.Fixable);
        var pairs = result.Findings.Select(f => (f.MatchedName, f.Vulnerability, f.Verdict)).Distinct().ToList();
        Assert.Equal(13, pairs.Count(p => p.Verdict == Verdict.Open));
        Assert.Equal(23, pairs.Count(p => p.Verdict == Verdict.Unimportant));
        Assert.False(result.EndOfLife);
    }

    [Fact]
    public void Minbase_MatchedBySourceNotBinary()
    {
        var packages = Minbase();

        var result = Match(s_debian12, packages);

        var bsdutils = result.Single("bsdutils", "CVE-2022-0563");
        Assert.Equal("util-linux", bsdutils.MatchedName);
        Assert.Equal("2.38.1-5+deb12u3", bsdutils.MatchedVersion);
        Assert.All(result.Findings, f => Assert.Equal(f.Package.SourceName ?? f.Package.Name, f.MatchedName));
    }

    [Fact]
    public void Minbase_OtherReleaseDataNotUsed()
    {
        var libc = Minbase().Single(p => p.Name == "libc6");

        var bookworm = Match(s_debian12, [libc]);
        var trixie = Match(AdvisoryNamespace.Parse("debian:13"), [libc]);

        // CVE-2023-4911 is fixed in bookworm by 2.36-9+deb12u3 and in trixie only by 2.37-12.
        bookworm.None("libc6", "CVE-2023-4911");
        trixie.Fixable("libc6", "CVE-2023-4911", "2.37-12");
    }

    [Fact]
    public void Ubuntu_NoDataInDebianStore()
    {
        var result = Match(AdvisoryNamespace.Parse("ubuntu:22.04"), Minbase());

        Assert.False(result.HasData);
        Assert.Empty(result.Findings);
        Assert.Contains("'ubuntu:22.04'", Assert.Single(result.Warnings));
    }

    [Fact]
    public void UnknownRelease_NoData()
    {
        var result = Match(AdvisoryNamespace.Parse("debian:99"), Minbase());

        Assert.False(result.HasData);
        Assert.Contains("'debian:99'", Assert.Single(result.Warnings));
    }

    [Fact]
    public void InvalidInstalledVersion_Warned()
    {
        var result = Match(s_debian12, [new PackageQuery("zlib1g", "1:1.2 13", "zlib", null, "amd64", Packages.Inventory.PackageType.Deb)]);

        Assert.Empty(result.Findings);
        Assert.Contains("'1:1.2 13'", Assert.Single(result.Warnings));
    }

    private MatchResult Match(AdvisoryNamespace ns, IReadOnlyList<PackageQuery> packages) =>
        new AdvisoryMatcher(feed.Get().Store).Match(ns, packages);

    private static List<PackageQuery> Distroless() =>
        InstalledPackages.ReadRoot(SharedData.Require("pkgdb-fixtures/dpkg/syft-distroless-sqlite"));

    private static List<PackageQuery> Minbase() =>
        InstalledPackages.ReadRoot(SharedData.Require("pkgdb-fixtures/dpkg/debian12-minbase-debootstrap"));

    // Returns a folder holding only the named status.d file of the syft fixtures.
    private static string SharedDataFolder(string file)
    {
        var folder = Directory.CreateTempSubdirectory("drydock-statusd-").FullName;
        File.Copy(SharedData.Require($"pkgdb-fixtures/dpkg/syft-status.d/{file}"), Path.Combine(folder, file));
        return folder;
    }
}
