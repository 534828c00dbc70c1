using System.Text;
using Drydock.Packages.Apt.Candidates;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Tests.Apt;

public sealed class IndexTests
{
    [Fact]
    public void Packages_SkipsBadStanzaAndKeepsOthers()
    {
        var text = "Package: good\nVersion: 1.0-1\nArchitecture: amd64\nSource: src (1.0-0)\nMulti-Arch: same\n" +
            "Description: x\n long text\n\nPackage: noversion\nArchitecture: amd64\n\n" +
            "Package: badversion\nVersion: 1:\nArchitecture: amd64\n";

        var parsed = PackagesIndexParser.Parse(Encoding.UTF8.GetBytes(text), "Packages");

        var good = Assert.Single(parsed.Records);
        Assert.Equal("src", good.Source);
        Assert.Equal("1.0-0", good.SourceVersion.ToString());
        Assert.Equal(MultiArch.Same, good.MultiArch);
        Assert.Equal(2, parsed.Problems.Count);
        Assert.Contains("Packages:9", parsed.Problems[0]);
        Assert.Contains("'noversion'", parsed.Problems[0]);
        Assert.Contains("'1:'", parsed.Problems[1]);
    }

    [Theory]
    [InlineData("libc6 (>= 2.36), libfoo:any | libbar (<< 3)", "libc6 (>= 2.36)|libfoo:any, libbar (<< 3)")]
    [InlineData("a (= 1:2.0-1), b (<= 2), c (>> 0), d (< 1)", "a (= 1:2.0-1)|b (<= 2)|c (>> 0)|d (<= 1)")]
    public void Relations_Parse(string field, string expected)
    {
        var groups = RelationParser.Parse(field, "test");

        Assert.Equal(expected, string.Join('|', groups.Select(g => string.Join(", ", g))));
    }

    [Theory]
    [InlineData("libc6 (>= 2.36")]
    [InlineData("libc6 (2.36)")]
    [InlineData("libc6 [amd64]")]
    public void Relations_Invalid(string field)
    {
        var error = Assert.Throws<InvalidDataException>(() => RelationParser.Parse(field, "pkg Depends"));

        Assert.Contains("pkg Depends", error.Message);
    }

    [Fact]
    public void Release_ParsesFieldsAndHashes()
    {
        var text = "Origin: Debian\nLabel: Debian-Security\nSuite: oldstable-security\nCodename: bookworm-security\n" +
            "Date: Fri, 04 Dec 2026 10:00:00 UTC\nValid-Until: Fri, 11 Dec 2026 10:00:00 +0000\nAcquire-By-Hash: yes\n" +
            "SHA256:\n " + new string('a', 64) + " 123 main/binary-amd64/Packages.xz\n";

        var release = ReleaseFile.Parse(Encoding.UTF8.GetBytes(text), "InRelease");

        Assert.Equal("bookworm-security", release.Codename);
        Assert.True(release.AcquireByHash);
        Assert.Equal(new DateTimeOffset(2026, 12, 11, 10, 0, 0, TimeSpan.Zero), release.ValidUntil);
        Assert.Equal(123, release.Files["main/binary-amd64/Packages.xz"].Size);
    }

    [Theory]
    [InlineData("Origin: x\nDate: yesterday\n", "'yesterday'")]
    [InlineData("Origin: x\nSHA256:\n abc 12 Packages\n", "'abc 12 Packages'")]
    [InlineData("Origin: x\n\nOrigin: y\n", "2 paragraphs")]
    public void Release_Invalid(string text, string value)
    {
        var error = Assert.Throws<InvalidDataException>(() => ReleaseFile.Parse(Encoding.UTF8.GetBytes(text), "dists/x/Release"));

        Assert.Contains(value, error.Message);
        Assert.Contains("dists/x/Release", error.Message);
    }

    [Theory]
    [InlineData("stable", false, false, "2")]
    [InlineData("experimental", true, false, "1")]
    [InlineData("backports", true, true, "2")]
    public void Candidate_DefaultPriorities(string suite, bool notAutomatic, bool butAutomaticUpgrades, string expected)
    {
        var release = new ReleaseInfo { Suite = suite, NotAutomatic = notAutomatic, ButAutomaticUpgrades = butAutomaticUpgrades };
        var newer = Record("2", release);

        var choice = new CandidatePolicy([]).Choose([newer], DebianVersion.Parse("1"), "pkg");

        Assert.Equal(expected, choice!.Version.ToString());
    }

    [Fact]
    public void Candidate_PinsAndDowngrades()
    {
        var rules = Preferences.Parse(
            new StringReader(
                "Package: pkg\nPin: version 1.*\nPin-Priority: 1001\n\n" +
                "Package: *\nPin: release n=trixie\nPin-Priority: -1\n\n" +
                "Package: other\nPin: origin deb.example.org\nPin-Priority: 990\n"),
            "/etc/apt/preferences");
        var stable = new ReleaseInfo { Codename = "bookworm", Site = "deb.debian.org" };
        var trixie = new ReleaseInfo { Codename = "trixie", Site = "deb.debian.org" };
        var policy = new CandidatePolicy(rules);

        var pinned = policy.Choose([Record("1.5", stable), Record("2.0", stable)], DebianVersion.Parse("2.0"), "pkg");
        var blocked = policy.Choose([Record("3.0", trixie)], DebianVersion.Parse("2.0"), "another");

        Assert.Equal("1.5", pinned!.Version.ToString());
        Assert.Equal("2.0", blocked!.Version.ToString());
        Assert.Equal(500, policy.Priority("other", DebianVersion.Parse("1"), stable));
    }

    [Theory]
    [InlineData("Package: x\nPin: release a=stable\n", "''")]
    [InlineData("Package: x\nPin: release a=stable\nPin-Priority: high\n", "'high'")]
    [InlineData("Package: x\nPin: somewhere\nPin-Priority: 500\n", "'somewhere'")]
    [InlineData("Pin: release a=stable\nPin-Priority: 500\n", "Package")]
    public void Preferences_Invalid(string text, string value)
    {
        var error = Assert.Throws<InvalidDataException>(() => Preferences.Parse(new StringReader(text), "/etc/apt/preferences"));

        Assert.Contains("/etc/apt/preferences:1", error.Message);
        Assert.Contains(value, error.Message);
    }

    private static PackageRecord Record(string version, ReleaseInfo release) => new()
    {
        Name = "pkg",
        Version = DebianVersion.Parse(version),
        Architecture = "amd64",
        Source = "pkg",
        SourceVersion = DebianVersion.Parse(version),
        Release = release,
    };
}
