using Drydock.Advisories.Matching;
using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Matching;

// Expected findings were checked by hand against the Ubuntu CVE tracker files of 2024-08-09
// (bionic and its Ubuntu Pro pockets), comparing versions with `dpkg --compare-versions`.
public sealed class UbuntuMatchTests(UbuntuTrackerStore feed) : IClassFixture<UbuntuTrackerStore>
{
    private static readonly AdvisoryNamespace s_bionic = AdvisoryNamespace.Parse("ubuntu:18.04");

    [Fact]
    public void Bionic_FixableBySourceVersion()
    {
        var result = Match();

        // bsdutils 1:2.31.1-0.4ubuntu3.1 comes from util-linux 2.31.1-0.4ubuntu3.1; the binary's
        // epoch would hide the fix 2.31.1-0.4ubuntu3.7.
        result.Fixable("bsdutils", "CVE-2018-7738", "2.31.1-0.4ubuntu3.7");
        Assert.Equal("util-linux", result.Single("bsdutils", "CVE-2018-7738").MatchedName);
        result.Fixable("apt", "CVE-2019-3462", "1.6.6ubuntu0.1");
        result.Fixable("libapt-pkg5.0", "CVE-2019-3462", "1.6.6ubuntu0.1");
        result.Fixable("libsystemd0", "CVE-2018-16864", "237-3ubuntu10.11");
        result.Fixable("libudev1", "CVE-2018-16864", "237-3ubuntu10.11");
        result.Fixable("libbz2-1.0", "CVE-2019-12900", "1.0.6-8.1ubuntu0.2");
        result.Fixable("gpgv", "CVE-2018-1000858", "2.2.4-1ubuntu1.2");
        result.Fixable("perl-base", "CVE-2018-18311", "5.26.1-6ubuntu0.3");
        result.Fixable("tar", "CVE-2018-20482", "1.29b-2ubuntu0.2");
        result.Fixable("libc6", "CVE-2018-11236", "2.27-3ubuntu1.2");
    }

    [Fact]
    public void Bionic_KeepsUbuntuPriority()
    {
        var result = Match();

        var apt = result.Single("apt", "CVE-2019-3462");
        Assert.Equal("high", apt.DistributionSeverity);
        Assert.Equal(Severity.High, apt.Severity);
        Assert.Equal(Severity.Negligible, result.Single("bsdutils", "CVE-2018-7738").Severity);
    }

    [Fact]
    public void Bionic_ProOnlyFixIsOpen()
    {
        var result = Match();

        result.Verdict("tar", "CVE-2023-39804", Verdict.Open);
        Assert.Equal("fixed only in Ubuntu Pro: esm-infra/bionic 1.29b-2ubuntu0.4+esm1",
            result.Single("tar", "CVE-2023-39804").Reason);
        result.Verdict("libc6", "CVE-2023-4806", Verdict.Open);
        result.Verdict("libgcrypt20", "CVE-2024-2236", Verdict.Open);
        Assert.Equal("deferred: 2024-07-18", result.Single("libgcrypt20", "CVE-2024-2236").Reason);
    }

    [Fact]
    public void Bionic_IgnoredAndNotAffected()
    {
        var result = Match();

        result.Verdict("libc6", "CVE-2016-10739", Verdict.WillNotFix);
        Assert.Equal("end of standard support", result.Single("libc6", "CVE-2016-10739").Reason);
        result.Verdict("libc6", "CVE-2005-3590", Verdict.NotAffected);
        // Released in 3.3.8-3ubuntu2, long before the installed 3.5.18-1ubuntu1.
        result.None("libgnutls30", "CVE-2014-8564");
        Assert.True(result.EndOfLife);
    }

    [Fact]
    public void Bionic_OtherReleaseGivesOtherVerdicts()
    {
        var tar = Packages().Single(p => p.Name == "tar");

        var jammy = new AdvisoryMatcher(feed.Get().Store).Match(AdvisoryNamespace.Parse("ubuntu:22.04"), [tar]);

        // In jammy CVE-2023-39804 was released as 1.34+dfsg-1ubuntu0.1.22.04.2, a real fix.
        jammy.Fixable("tar", "CVE-2023-39804", "1.34+dfsg-1ubuntu0.1.22.04.2");
    }

    [Fact]
    public void Bionic_NoDebianDataInUbuntuStore()
    {
        var result = new AdvisoryMatcher(feed.Get().Store).Match(AdvisoryNamespace.Parse("debian:10"), Packages());

        Assert.False(result.HasData);
        Assert.Empty(result.Findings);
    }

    private MatchResult Match() => new AdvisoryMatcher(feed.Get().Store).Match(s_bionic, Packages());

    private static List<PackageQuery> Packages() =>
        InstalledPackages.ReadDpkgStatus(SharedData.Require("pkgdb-fixtures/dpkg/trivy-ubuntu18.04-valid.status"));
}
