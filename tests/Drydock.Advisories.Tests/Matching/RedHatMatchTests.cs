using Drydock.Advisories.Matching;
using Drydock.Advisories.Tests.Support;
using Drydock.Packages.Inventory;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Matching;

// The rpm package lists overlap the Red Hat CSAF samples in few places; these are the ones.
public sealed class RedHatMatchTests : IDisposable
{
    private static readonly AdvisoryNamespace s_rhel9 = AdvisoryNamespace.Parse("redhat:9");
    private static readonly AdvisoryNamespace s_rhel6 = AdvisoryNamespace.Parse("redhat:6");
    private readonly TemporaryStore _store = new();

    public RedHatMatchTests() => _store.Import(SharedData.Require("redhat-csaf-samples"));

    [Fact]
    public void Python39_SourceRpmStatementWhenNoBinary()
    {
        var packages = RpmList("Rockylinux9WithSQLite3.tsv").Where(p => p.SourceName == "python3.9").ToList();

        var result = Match(s_rhel9, packages);

        // RHSA-2024:6163 and RHSA-2024:9371 list only the source RPM python3.9; the earlier fix wins.
        result.Fixable("python3-libs", "CVE-2024-8088", "0:3.9.18-3.el9_4.5");
        var finding = result.Single("python3", "CVE-2024-8088");
        Assert.Equal(["RHSA-2024:6163", "RHSA-2024:9371"], finding.Advisories);
        Assert.Equal("Moderate", finding.DistributionSeverity);
        Assert.Equal(Severity.Medium, finding.Severity);
    }

    [Fact]
    public void BindLibs_ExtendedStreamOnly()
    {
        var bind = RpmList("CentOS6Plain.tsv").Where(p => p.Name == "bind-libs").ToList();

        var main = Match(s_rhel6, bind);
        var els = new AdvisoryMatcher(_store.Store).Match(s_rhel6, bind, "els");

        Assert.Empty(main.Findings);
        els.Fixable("bind-libs", "CVE-2025-40778", "32:9.8.2-0.68.rc1.el6_10.17");
        Assert.Equal(Severity.High, els.Single("bind-libs", "CVE-2025-40778").Severity);
    }

    [Fact]
    public void Ruby_ModuleStreamsApart()
    {
        PackageQuery Ruby(string module) =>
            new("ruby", "0:3.1.2-141.module+el8.8.0+18500+aaaaaaaa", "ruby", null, "x86_64", PackageType.Rpm)
            {
                Module = module,
            };

        var rhel8 = AdvisoryNamespace.Parse("redhat:8");

        Match(rhel8, [Ruby("ruby:3.1")]).Fixable("ruby", "CVE-2021-33621", "0:3.1.4-142.module+el8.9.0+21471+7d1e4a35");
        Assert.DoesNotContain(Match(rhel8, [Ruby("ruby:2.7")]).Findings, f => f.Vulnerability == "CVE-2021-33621"
            && f.FixedVersion == "0:3.1.4-142.module+el8.9.0+21471+7d1e4a35");
        Assert.Empty(Match(rhel8, [Ruby("")]).Findings);
    }

    public void Dispose() => _store.Dispose();

    private MatchResult Match(AdvisoryNamespace ns, IReadOnlyList<PackageQuery> packages) =>
        new AdvisoryMatcher(_store.Store).Match(ns, packages);

    // Columns: epoch, name, version, release, arch, sourcerpm, ...; lines starting with '#' are comments.
    private static List<PackageQuery> RpmList(string file) =>
        File.ReadLines(SharedData.Require($"pkgdb-fixtures/rpm/expected/{file}"))
            .Where(line => !line.StartsWith('#') && line.Length > 0)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length > 5 && fields[1] != "name")
            .Select(fields => new PackageQuery(
                fields[1],
                $"{(fields[0].Length > 0 ? fields[0] : "0")}:{fields[2]}-{fields[3]}",
                SourceName(fields[5]),
                null,
                fields[4],
                PackageType.Rpm))
            .ToList();

    // python3.9-3.9.18-1.el9_3.src.rpm → python3.9
    private static string SourceName(string sourceRpm)
    {
        var withoutRelease = sourceRpm[..sourceRpm.LastIndexOf('-')];
        return withoutRelease[..withoutRelease.LastIndexOf('-')];
    }
}
