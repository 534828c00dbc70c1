using System.Text;
using Drydock.Oci.Layers;

namespace Drydock.Oci.Tests.Layers;

public sealed class LayerReaderTests
{
    private static readonly byte[] _tar = new TestTar()
        .Directory("./etc/")
        .File("./etc/os-release", "ID=debian\n")
        .Symlink("./etc/localtime", "/usr/share/zoneinfo/Etc/UTC")
        .HardLink("./etc/os-release.bak", "./etc/os-release")
        .ToArray();

    public static TheoryData<string> Compressions => ["none", "gzip", "zstd"];

    [Theory]
    [MemberData(nameof(Compressions))]
    public void Next_reads_every_compression(string compression)
    {
        var blob = compression switch
        {
            "gzip" => TestTar.Gzip(_tar),
            "zstd" => TestTar.Zstd(_tar),
            _ => _tar,
        };

        using var reader = LayerReader.Open(new MemoryStream(blob), TestTar.Describe(blob, _tar));
        var paths = new List<string>();
        while (reader.Next() is { } entry)
        {
            paths.Add(entry.Path);
        }

        Assert.Equal(["etc", "etc/os-release", "etc/localtime", "etc/os-release.bak"], paths);
        Assert.Equal(Digest.Compute(_tar), reader.DiffId);
        Assert.Equal(compression, reader.Compression.ToString().ToLowerInvariant());
    }

    [Fact]
    public void Open_detects_gzip_behind_a_plain_media_type()
    {
        var blob = TestTar.Gzip(_tar);
        var layer = TestTar.Describe(blob, _tar, MediaTypes.OciLayer);

        using var reader = LayerReader.Open(new MemoryStream(blob), layer);
        reader.ReadToEnd();

        Assert.Equal(LayerCompression.Gzip, reader.Compression);
    }

    [Fact]
    public void Next_returns_entry_metadata()
    {
        using var reader = LayerReader.Open(new MemoryStream(_tar), TestTar.Describe(_tar, _tar));
        var entries = new List<LayerEntry>();
        var content = string.Empty;
        while (reader.Next() is { } entry)
        {
            entries.Add(entry);
            content += new StreamReader(entry.OpenData()).ReadToEnd();
        }

        var file = entries[1];
        Assert.Equal(LayerEntryKind.File, file.Kind);
        Assert.Equal("ID=debian\n", content);
        Assert.Equal(TestTar.Time, file.ModificationTime);
        Assert.Equal("/usr/share/zoneinfo/Etc/UTC", entries[2].LinkTarget);
        Assert.Equal("etc/os-release", entries[3].LinkTarget);
    }

    [Fact]
    public void Next_reports_whiteouts()
    {
        var tar = new TestTar()
            .Whiteout("usr/.wh.games")
            .Whiteout("var/cache/.wh..wh..opq")
            .Whiteout(".wh..wh.plnk")
            .ToArray();

        var entries = TestTar.ReadAll(tar);

        Assert.Equal(2, entries.Count);
        Assert.Equal((LayerEntryKind.Whiteout, "usr/games"), (entries[0].Kind, entries[0].Path));
        Assert.Equal((LayerEntryKind.OpaqueWhiteout, "var/cache"), (entries[1].Kind, entries[1].Path));
    }

    [Fact]
    public void Next_reads_gnu_long_names()
    {
        var name = string.Join('/', Enumerable.Repeat("directory", 30)) + "/file";
        var writerEntry = new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes("x")),
        };
        var tar = new TestTar().Add(writerEntry).ToArray();

        var entries = TestTar.ReadAll(tar);

        Assert.Equal(name, Assert.Single(entries).Path);
    }

    [Fact]
    public void Next_accepts_symlinks_that_stay_inside()
    {
        var tar = new TestTar().Symlink("etc/mtab", "../proc/self/mounts").ToArray();

        var entry = Assert.Single(TestTar.ReadAll(tar));

        Assert.Equal("../proc/self/mounts", entry.LinkTarget);
    }
}
