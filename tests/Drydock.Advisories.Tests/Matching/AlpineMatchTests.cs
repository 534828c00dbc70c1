using Drydock.Advisories.Matching;
using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Matching;

// Expected findings were checked by hand against secdb v3.16 and v3.18 main of 2025-01-04.
public sealed class AlpineMatchTests(AlpineSecdbStore feed) : IClassFixture<AlpineSecdbStore>
{
    private static readonly AdvisoryNamespace s_alpine316 = AdvisoryNamespace.Parse("alpine:3.16");
    private static readonly AdvisoryNamespace s_alpine318 = AdvisoryNamespace.Parse("alpine:3.18");

    [Fact]
    public void Alpine316_OpensslByOrigin()
    {
        var result = Match(s_alpine316, Alpine316());

        result.Fixable("libcrypto1.1", "CVE-2022-4304", "1.1.1t-r0");
        result.Fixable("libssl1.1", "CVE-2022-4304", "1.1.1t-r0");
        result.Fixable("libcrypto1.1", "CVE-2023-0286", "1.1.1t-r0");
        result.Fixable("libcrypto1.1", "CVE-2023-0464", "1.1.1t-r1");
        result.Fixable("libcrypto1.1", "CVE-2023-2650", "1.1.1u-r0");
        result.Fixable("libcrypto1.1", "CVE-2023-5678", "1.1.1w-r1");
        Assert.Equal("openssl", result.Single("libssl1.1", "CVE-2023-5678").MatchedName);
        // Fixed by the installed 1.1.1q-r0 itself.
        result.None("libcrypto1.1", "CVE-2022-2097");
    }

    [Fact]
    public void Alpine316_ApkReleaseOrder()
    {
        var result = Match(s_alpine316, Alpine316());

        result.Fixable("busybox", "CVE-2023-42366", "1.35.0-r18");
        result.Fixable("ssl_client", "CVE-2023-42366", "1.35.0-r18");
        // 1.35.0-r7 and -r15 are older than the installed -r17 (r7 < r17 numerically).
        result.None("busybox", "CVE-2022-28391");
        result.None("busybox", "CVE-2022-30065");
        result.None("zlib", "CVE-2022-37434");
    }

    [Fact]
    public void Alpine316_NotAffectedAndNeverOpen()
    {
        var result = Match(s_alpine316, Alpine316());

        result.Verdict("zlib", "CVE-2023-45853", Verdict.NotAffected);
        result.Verdict("libcrypto1.1", "CVE-2022-1292", Verdict.NotAffected);
        Assert.All(result.Findings, f => Assert.Contains(f.Verdict, new[] { Verdict.Fixable, Verdict.NotAffected }));
        Assert.All(result.Findings, f => Assert.Equal(Severity.Unknown, f.Severity));
        Assert.True(result.EndOfLife);
    }

    [Fact]
    public void Alpine318_Findings()
    {
        var result = Match(s_alpine318, Alpine318());

        result.Fixable("libcrypto3", "CVE-2023-2650", "3.1.1-r0");
        result.Fixable("libssl3", "CVE-2023-5363", "3.1.4-r0");
        result.Fixable("libcrypto3", "CVE-2024-9143", "3.1.7-r1");
        result.Fixable("busybox", "CVE-2022-48174", "1.36.1-r1");
        result.Fixable("busybox-binsh", "CVE-2023-42366", "1.36.1-r6");
        result.Verdict("libcrypto3", "CVE-2023-0466", Verdict.NotAffected);
        result.None("libcrypto3", "CVE-2023-1255");
        result.None("libcrypto3", "CVE-2023-0465");
    }

    [Fact]
    public void Alpine316_OtherReleaseNotUsed()
    {
        var busybox = Alpine316().Single(p => p.Name == "busybox");

        var own = Match(s_alpine316, [busybox]);
        var newer = Match(s_alpine318, [busybox]);

        own.Fixable("busybox", "CVE-2023-42366", "1.35.0-r18");
        newer.Fixable("busybox", "CVE-2023-42366", "1.36.1-r6");
    }

    [Fact]
    public void Alpine_MissingReleaseHasNoData()
    {
        var result = Match(AdvisoryNamespace.Parse("alpine:3.23"), Alpine318());

        Assert.False(result.HasData);
        Assert.Contains("'alpine:3.23'", Assert.Single(result.Warnings));
    }

    private MatchResult Match(AdvisoryNamespace ns, IReadOnlyList<PackageQuery> packages) =>
        new AdvisoryMatcher(feed.Get().Store).Match(ns, packages);

    private static List<PackageQuery> Alpine316() =>
        InstalledPackages.ReadApkInstalled(SharedData.Require("pkgdb-fixtures/apk/alpine-3.16-base.installed"));

    private static List<PackageQuery> Alpine318() =>
        InstalledPackages.ReadApkInstalled(SharedData.Require("pkgdb-fixtures/apk/alpine-3.18-base.installed"));
}
