using System.Formats.Tar;
using System.IO.Compression;
using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Import;

public sealed class CorruptInputTests : IDisposable
{
    private readonly TemporaryStore _store = new();

    [Fact]
    public void Osv_InvalidJsonReportedAndImportGoesOn()
    {
        var folder = Folder("debian-osv");
        File.Copy(SharedData.Require("debian-osv/sample/DSA-5514-1.json"), Path.Combine(folder, "DSA-5514-1.json"));
        File.WriteAllText(Path.Combine(folder, "DSA-9999-1.json"), "{\"id\": \"DSA-9999-1\", \"affected\": [");

        var result = _store.Import(folder);

        var malformed = Assert.Single(result.Malformed);
        Assert.EndsWith("DSA-9999-1.json", malformed.Location);
        Assert.Equal(2, result.RecordsBySource["debian-osv"]);
    }

    [Fact]
    public void Osv_InvalidFixedVersionReportedWithId()
    {
        var folder = Folder("debian-osv");
        File.WriteAllText(Path.Combine(folder, "DSA-9999-1.json"), """
            {"id": "DSA-9999-1", "related": ["CVE-2099-0001"], "affected": [
              {"package": {"ecosystem": "Debian:12", "name": "zlib"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.2 13"}]}]},
              {"package": {"ecosystem": "Debian:12", "name": "zlib"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "1:1.2.13"}]}]}]}
            """);

        var result = _store.Import(folder);

        Assert.Equal(2, result.MalformedCount);
        Assert.All(result.Malformed, m => Assert.Equal("DSA-9999-1", m.Id));
        Assert.Contains(result.Malformed, m => m.Problem.Contains("'1:1.2 13'", StringComparison.Ordinal));
        Assert.Contains(result.Malformed, m => m.Problem.Contains("last_affected", StringComparison.Ordinal));
        Assert.Equal(0, _store.Count("SELECT COUNT(*) FROM affected"));
    }

    [Fact]
    public void Secdb_BadReleaseReported()
    {
        var path = Path.Combine(Folder("alpine"), "main.json");
        File.WriteAllText(path, """{"distroversion": "v3 18", "packages": []}""");

        var result = _store.Import(path);

        Assert.Contains("'v3 18'", Assert.Single(result.Malformed).Problem);
    }

    [Fact]
    public void Csaf_WrongJsonTypeReported()
    {
        var path = Path.Combine(Folder("csaf"), "rhsa.json");
        File.WriteAllText(path, """
            {"document": {"csaf_version": "2.0", "tracking": {"id": "RHSA-2099:0001"}},
             "product_tree": {"branches": 7}, "vulnerabilities": []}
            """);

        var result = _store.Import(path);

        Assert.Equal(path, Assert.Single(result.Malformed).Location);
    }

    [Fact]
    public void UnknownJsonAndOtherFilesSkippedBesideAFeed()
    {
        var folder = Folder("misc");
        File.Copy(SharedData.Require("debian-osv/sample/DSA-5514-1.json"), Path.Combine(folder, "DSA-5514-1.json"));
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"name": "not a feed"}""");
        File.WriteAllText(Path.Combine(folder, "README.md"), "text");

        var result = _store.Import(folder);

        Assert.Equal(2, result.SkippedEntries);
        Assert.Empty(result.Malformed);
        Assert.Equal(2, result.RecordsBySource["debian-osv"]);
    }

    [Theory]
    [InlineData("truncated tracker", "debian-tracker.json", "{\"zlib\": {\"CVE-2023-45853\": {\"releases\": {")]
    [InlineData("not JSON", "debian-tracker.json", "<html><body>Service Unavailable</body></html>")]
    [InlineData("unknown JSON", "debian-tracker.json", "{\"name\": \"not a feed\"}")]
    [InlineData("not a feed file", "feed.txt", "text")]
    public void FileWithNoFeed_FailsAndKeepsStore(string name, string file, string content)
    {
        Assert.NotEmpty(name);
        _store.Import(SharedData.Require("debian-tracker-excerpts/osvdev-debian_security_tracker_mock.json"));
        var before = _store.Count("SELECT COUNT(*) FROM affected");
        var path = Path.Combine(Folder("bad"), file);
        File.WriteAllText(path, content);

        var error = Assert.Throws<InvalidDataException>(() => _store.Import(path));

        Assert.Contains($"'{path}'", error.Message);
        Assert.Equal(before, _store.Count("SELECT COUNT(*) FROM affected"));
    }

    [Fact]
    public void ArchiveWithNoFeed_Fails()
    {
        var zip = Path.Combine(Folder("zip"), "feed.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(archive.CreateEntry("config.json").Open());
            writer.Write("""{"name": "not a feed"}""");
        }

        var error = Assert.Throws<InvalidDataException>(() => _store.Import(zip));

        Assert.Contains($"'{zip}'", error.Message);
        Assert.Empty(_store.Store.GetStatus());
    }

    [Fact]
    public void SecondInputWithNoFeed_FailsWhole()
    {
        var bad = Path.Combine(Folder("bad"), "other.json");
        File.WriteAllText(bad, "not json");

        var error = Assert.Throws<InvalidDataException>(() => _store.Import(
            SharedData.Require("debian-tracker-excerpts/osvdev-debian_security_tracker_mock.json"), bad));

        Assert.Contains($"'{bad}'", error.Message);
        Assert.Empty(_store.Store.GetStatus());
    }

    [Fact]
    public void ZipArchiveStreamed()
    {
        var zip = Path.Combine(Folder("zip"), "debian-osv-all.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var file in Directory.GetFiles(SharedData.Require("debian-osv/sample")))
            {
                archive.CreateEntryFromFile(file, Path.GetFileName(file));
            }
        }

        var result = _store.Import(zip);

        Assert.Equal(0, result.MalformedCount);
        Assert.True(result.RecordsBySource["debian-osv"] > 10);
    }

    [Fact]
    public void TarEntryOverLimitRejected()
    {
        var tar = Path.Combine(Folder("tar"), "bomb.tar");
        using (var stream = File.Create(tar))
        using (var writer = new TarWriter(stream))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "huge.json")
            {
                DataStream = new MemoryStream(new byte[16]),
            };
            writer.WriteEntry(entry);
        }

        // The header's size field says 16 bytes; rewrite it to claim 2 GiB.
        var bytes = File.ReadAllBytes(tar);
        var header = FindHeaderOf(bytes, "huge.json");
        var size = System.Text.Encoding.ASCII.GetBytes(Convert.ToString(2L << 30, 8).PadLeft(11, '0') + "\0");
        size.CopyTo(bytes, header + 124);
        FixChecksum(bytes, header);
        File.WriteAllBytes(tar, bytes);

        var error = Assert.Throws<InvalidDataException>(() => _store.Import(tar));

        Assert.Contains(tar, error.Message);
    }

    public void Dispose() => _store.Dispose();

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_store.Folder, name)).FullName;

    private static int FindHeaderOf(byte[] bytes, string name)
    {
        var pattern = System.Text.Encoding.ASCII.GetBytes(name);
        for (var offset = 0; offset < bytes.Length; offset += 512)
        {
            if (bytes.AsSpan(offset, pattern.Length).SequenceEqual(pattern))
            {
                return offset;
            }
        }

        throw new InvalidOperationException($"No tar header for '{name}'.");
    }

    private static void FixChecksum(byte[] bytes, int header)
    {
        for (var i = 148; i < 156; i++)
        {
            bytes[header + i] = (byte)' ';
        }

        var sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += bytes[header + i];
        }

        System.Text.Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(bytes, header + 148);
    }
}
