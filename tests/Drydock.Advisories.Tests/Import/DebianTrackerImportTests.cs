using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Import;

public sealed class DebianTrackerImportTests
{
    [Fact]
    public void Tracker_FixedVersionZeroIsNotAffected()
    {
        using var store = Import("osvdev-debian_security_tracker_mock.json");

        var row = Assert.Single(store.Rows("vulnerability = 'CVE-2014-1424' AND namespace = 'debian:12'"));

        Assert.Equal("debian-tracker", row.Source);
        Assert.Equal("apparmor", row.Package);
        Assert.Equal("not-affected", row.Status);
        Assert.Null(row.FixedVersion);
    }

    [Fact]
    public void Tracker_OpenUnimportantIsUnimportant()
    {
        using var store = Import("osvdev-debian_security_tracker_mock.json");

        var rows = store.Rows("vulnerability = 'CVE-2016-1585'");

        Assert.Equal("unimportant", rows.Single(r => r.Namespace == "debian:12").Status);
        var sid = rows.Single(r => r.Namespace == "debian:unstable");
        Assert.Equal("fixed", sid.Status);
        Assert.Equal("3.0.12-1", sid.FixedVersion);
        Assert.Equal("unimportant", sid.Severity);
    }

    [Fact]
    public void Tracker_NoDsaWillNotBeFixed()
    {
        using var store = Import("vulnerablecode-debian.json");

        var row = Assert.Single(store.Rows("vulnerability = 'CVE-2014-8242' AND namespace = 'debian:10'"));

        Assert.Equal("librsync", row.Package);
        Assert.Equal("will-not-fix", row.Status);
        Assert.Equal("no DSA: Minor issue, too instrusive to backport", row.Reason);
        Assert.Equal("low", row.Severity);
    }

    [Fact]
    public void Tracker_KeepsTemporaryIds()
    {
        using var store = Import("vulnerablecode-debian.json");

        var row = Assert.Single(store.Rows("vulnerability = 'TEMP-0000000-A2EB44' AND namespace = 'debian:10'"));

        Assert.Equal("fixed", row.Status);
        Assert.Equal("1.4.5", row.FixedVersion);
    }

    [Fact]
    public void Tracker_KeepsTentativeUrgency()
    {
        using var store = Import("vunnel-debian.json");

        var row = Assert.Single(store.Rows("vulnerability = 'CVE-2008-7220' AND namespace = 'debian:10'"));

        Assert.Equal("high**", row.Severity);
        Assert.Equal(Severity.High, SeverityLabels.ToSeverity(row.Severity));
    }

    [Fact]
    public void Tracker_EndOfLifeAndBadStatus()
    {
        using var store = new TemporaryStore();
        var path = Path.Combine(store.Folder, "tracker.json");
        File.WriteAllText(path, """
            {"pdns-recursor": {"CVE-2022-27227": {"releases": {
              "bullseye": {"status": "open", "urgency": "end-of-life"},
              "bookworm": {"status": "resolved", "fixed_version": "4.6.1-1", "urgency": "not yet assigned"},
              "trixie": {"status": "weird", "urgency": "low"}}}}}
            """);

        var result = store.Import(path);

        Assert.Equal("will-not-fix", store.Rows("namespace = 'debian:11'").Single().Status);
        Assert.Equal("fixed", store.Rows("namespace = 'debian:12'").Single().Status);
        var malformed = Assert.Single(result.Malformed);
        Assert.Equal("CVE-2022-27227", malformed.Id);
        Assert.Contains("'weird'", malformed.Problem);
        Assert.Equal(path, malformed.Location);
    }

    [Fact]
    public void Tracker_InvalidFixedVersionIsMalformed()
    {
        using var store = new TemporaryStore();
        var path = Path.Combine(store.Folder, "tracker.json");
        File.WriteAllText(path, """
            {"zlib": {"CVE-2023-45853": {"releases": {
              "bookworm": {"status": "resolved", "fixed_version": "1:1.2 13", "urgency": "low"},
              "trixie": {"status": "resolved", "fixed_version": "1:1.3.dfsg-1", "urgency": "low"}}}}}
            """);

        var result = store.Import(path);

        var malformed = Assert.Single(result.Malformed);
        Assert.Equal("CVE-2023-45853", malformed.Id);
        Assert.Contains("'1:1.2 13'", malformed.Problem);
        Assert.Equal(1, result.RecordsBySource["debian-tracker"]);
        Assert.Equal(1, store.Store.GetStatus().Single().MalformedCount);
    }

    private static TemporaryStore Import(string file)
    {
        var path = SharedData.Require($"debian-tracker-excerpts/{file}");
        var store = new TemporaryStore();
        store.Import(path);
        return store;
    }
}
