using System.Diagnostics;
using Drydock.Packages.Deb;
using Drydock.Packages.Versions;
using Drydock.Testing.Debs;

namespace Drydock.Packages.Tests.Deb;

public sealed class DebianChangelogTests
{
    private const string Sample = """
        openssl (3.0.11-1~deb12u2) bookworm-security; urgency=medium

          * Fix CVE-2023-5363 (Incorrect cipher key and IV length processing).
          * Fix cve-2023-5678 and CVE-2023-5678 (DH checks).

         -- Sebastian Andrzej Siewior <sebastian@breakpoint.cc>  Sat, 25 Nov 2023 15:35:46 +0100

        openssl (3.0.11-1~deb12u1) bookworm; urgency=medium, binary-only=yes

          * Import 3.0.11
            - CVE-2023-4807 (POLY1305 MAC on x86_64).

         -- Sebastian Andrzej Siewior <sebastian@breakpoint.cc>  Tue, 19 Sep 2023 22:17:22 +0200

        openssl (3.0.9-1) unstable experimental; urgency=LOW

          * New upstream version.

         -- Sebastian Andrzej Siewior <sebastian@breakpoint.cc>  Wed, 31 May 2023 21:33:49 +0200

        Old Changelog:
        openssl (0.9) stable; urgency=low
        """;

    [Fact]
    public void Parse_ReadsEntries()
    {
        var changelog = DebianChangelog.Parse(Sample);

        Assert.Equal(["3.0.11-1~deb12u2", "3.0.11-1~deb12u1", "3.0.9-1"], changelog.Entries.Select(e => e.VersionText));
        var first = changelog.Entries[0];
        Assert.Equal("openssl", first.Package);
        Assert.Equal("bookworm-security", first.Distributions);
        Assert.Equal("medium", first.Urgency);
        Assert.Equal("Sebastian Andrzej Siewior <sebastian@breakpoint.cc>", first.Maintainer);
        Assert.Equal("Sat, 25 Nov 2023 15:35:46 +0100", first.Date);
        Assert.Equal(1, first.LineNumber);
        Assert.Equal("unstable experimental", changelog.Entries[2].Distributions);
        Assert.Equal("low", changelog.Entries[2].Urgency);
    }

    [Fact]
    public void Parse_FindsCveIds()
    {
        var changelog = DebianChangelog.Parse(Sample);

        Assert.Equal(["CVE-2023-5363", "CVE-2023-5678"], changelog.Entries[0].CveIds);
        Assert.Equal(["CVE-2023-4807"], changelog.Entries[1].CveIds);
        Assert.Empty(changelog.Entries[2].CveIds);
    }

    [Fact]
    public void Between_ReturnsUpgradeEntries()
    {
        var changelog = DebianChangelog.Parse(Sample);

        var entries = changelog.Between(DebianVersion.Parse("3.0.9-1"), DebianVersion.Parse("3.0.11-1~deb12u2"));

        Assert.Equal(["3.0.11-1~deb12u2", "3.0.11-1~deb12u1"], entries.Select(e => e.VersionText));
        Assert.Equal(["CVE-2023-5363", "CVE-2023-5678", "CVE-2023-4807"], DebianChangelog.CveIdsOf(entries));
    }

    [Fact]
    public void Between_CandidateBoundIsInclusive()
    {
        var changelog = DebianChangelog.Parse(Sample);

        var entries = changelog.Between(null, DebianVersion.Parse("3.0.11-1~deb12u1"));

        Assert.Equal(["3.0.11-1~deb12u1", "3.0.9-1"], entries.Select(e => e.VersionText));
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("garbage", "\u0001\u0002 not a changelog\n -- nobody\n")]
    [InlineData("trailer without header", " -- A <a@b>  Mon, 01 Jan 2024 00:00:00 +0000\n")]
    public void Parse_ToleratesCorruptText(string name, string text)
    {
        var changelog = DebianChangelog.Parse(text);

        Assert.True(changelog.Entries.Count == 0, name);
    }

    [Fact]
    public void Parse_KeepsEntryWithInvalidVersionUnordered()
    {
        var changelog = DebianChangelog.Parse("pkg (a:1.0) unstable; urgency=low\n\n  * x\n\n -- A <a@b>  Mon, 01 Jan 2024 00:00:00 +0000\n");

        var entry = Assert.Single(changelog.Entries);
        Assert.Null(entry.Version);
        Assert.Empty(changelog.Between(null, DebianVersion.Parse("9")));
    }

    [Fact]
    public void ParseGzip_RejectsNonGzip()
    {
        Assert.ThrowsAny<InvalidDataException>(
            () => DebianChangelog.ParseGzip(new MemoryStream("plain text"u8.ToArray()), "changelog.Debian.gz"));
    }

    [Fact]
    public void Read_RealPackageAgreesWithDpkgParsechangelog()
    {
        var deb = DebFixtures.Require("openssl");
        var text = ExtractChangelog(deb, "./usr/share/doc/openssl/changelog.Debian.gz");

        using var reader = DebArchiveReader.Open(deb);
        var changelog = DebChangelogReader.Read(reader)!;

        var expected = ParseChangelogVersions(text);
        Assert.Equal(expected, changelog.Entries.Select(e => e.VersionText));
        Assert.Equal(reader.Package.Version, changelog.Entries[0].VersionText);
    }

    [Fact]
    public void Read_RealPackageCvesSinceOlderVersion()
    {
        var deb = DebFixtures.Require("openssl");
        using var reader = DebArchiveReader.Open(deb);
        var changelog = DebChangelogReader.Read(reader)!;
        var since = changelog.Entries[Math.Min(3, changelog.Entries.Count - 1)].Version!.Value;

        var entries = changelog.Between(since, DebianVersion.Parse(reader.Package.Version));

        Assert.Equal(Math.Min(3, changelog.Entries.Count - 1), entries.Count);
        Assert.All(DebianChangelog.CveIdsOf(entries), id => Assert.Matches(@"^CVE-\d{4}-\d{4,}$", id));
    }

    private static string ExtractChangelog(string deb, string member)
    {
        var path = Path.GetTempFileName();
        try
        {
            Run("sh", "-c", $"dpkg-deb --fsys-tarfile '{deb}' | tar -xO '{member}' | gzip -dc > '{path}'");
            return path;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static List<string> ParseChangelogVersions(string path)
    {
        try
        {
            var output = Run("dpkg-parsechangelog", "-l", path, "--format", "rfc822", "--all");
            return output.Split('\n')
                .Where(l => l.StartsWith("Version: ", StringComparison.Ordinal))
                .Select(l => l["Version: ".Length..])
                .ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{program}: {stderr.Result}");
    }
}
