using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Tests.Layers;

namespace Drydock.Oci.Tests.FileSystem;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RootfsUnpackerTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("drydock-unpack-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Destination => Path.Combine(_work, "rootfs");

    private static async Task Unpack(string destination, RootfsUnpacker unpacker, params TestTar[] layers)
    {
        var blobs = layers.Select(layer => layer.ToArray()).ToList();
        var described = blobs
            .Select((tar, i) => TestTar.Describe(tar, tar, MediaTypes.OciLayer) with { Index = i })
            .ToList();
        await unpacker.UnpackAsync(described,
            (layer, _) => Task.FromResult(LayerReader.Open(new MemoryStream(blobs[layer.Index]), layer)),
            destination, TestContext.Current.CancellationToken);
    }

    private Task Unpack(params TestTar[] layers) => Unpack(Destination, new RootfsUnpacker(), layers);

    [Fact]
    public async Task Unpack_writes_files_links_and_metadata()
    {
        await Unpack(new TestTar()
            .Directory("etc", (UnixFileMode)0b111_101_000)
            .File("etc/os-release", "ID=debian\n", (UnixFileMode)0b110_100_000)
            .Symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
            .HardLink("etc/os-release.link", "etc/os-release"));

        var file = Path.Combine(Destination, "etc/os-release");
        Assert.Equal("ID=debian\n", File.ReadAllText(file));
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(file));
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(Path.Combine(Destination, "etc")));
        Assert.Equal(TestTar.Time.UtcDateTime, File.GetLastWriteTimeUtc(file));
        Assert.Equal(TestTar.Time.UtcDateTime, Directory.GetLastWriteTimeUtc(Path.Combine(Destination, "etc")));
        Assert.Equal("/usr/share/zoneinfo/UTC", new FileInfo(Path.Combine(Destination, "etc/localtime")).LinkTarget);
        Assert.Equal("ID=debian\n", File.ReadAllText(Path.Combine(Destination, "etc/os-release.link")));
    }

    [Fact]
    public async Task Unpack_applies_whiteouts()
    {
        await Unpack(
            new TestTar().File("etc/motd", "x").File("var/cache/a", "a").File("var/cache/b", "b"),
            new TestTar().Whiteout("etc/.wh.motd").Whiteout("var/cache/.wh..wh..opq").File("var/cache/c", "c"));

        Assert.False(File.Exists(Path.Combine(Destination, "etc/motd")));
        Assert.Equal(["c"], Directory.GetFileSystemEntries(Path.Combine(Destination, "var/cache"))
            .Select(Path.GetFileName));
    }

    [Fact]
    public async Task Unpack_never_writes_through_planted_symlink()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_work, "outside")).FullName;

        await Unpack(
            new TestTar().Symlink("etc", outside),
            new TestTar().File("etc/passwd", "planted\n"));

        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.Equal("planted\n", File.ReadAllText(Path.Combine(Destination, "etc/passwd")));
        Assert.Null(new DirectoryInfo(Path.Combine(Destination, "etc")).LinkTarget);
    }

    [Fact]
    public async Task Unpack_rejects_hard_link_through_symlink()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_work, "outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "secret"), "secret");

        var error = await Assert.ThrowsAsync<LayerException>(() => Unpack(new TestTar()
            .Symlink("x", outside)
            .HardLink("y", "x/secret")));

        Assert.Equal(LayerProblem.LinkEscape, error.Problem);
        Assert.Equal("y", error.EntryName);
        Assert.False(Directory.Exists(Destination));
        Assert.Equal(["outside"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Unpack_rejects_device_without_root()
    {
        var unpacker = new RootfsUnpacker { PreserveOwnership = false };

        var error = await Assert.ThrowsAsync<LayerException>(
            () => Unpack(Destination, unpacker, new TestTar().Device("dev/null")));

        Assert.Equal(LayerProblem.DeviceNode, error.Problem);
        Assert.Equal("dev/null", error.EntryName);
    }

    [Fact]
    public async Task Unpack_rejects_non_empty_destination()
    {
        Directory.CreateDirectory(Destination);
        File.WriteAllText(Path.Combine(Destination, "keep"), "x");

        var error = await Assert.ThrowsAsync<IOException>(() => Unpack(new TestTar().File("a", "a")));

        Assert.Contains(Destination, error.Message, StringComparison.Ordinal);
        Assert.Equal("x", File.ReadAllText(Path.Combine(Destination, "keep")));
    }

    [Fact]
    public async Task Unpack_fills_empty_destination()
    {
        Directory.CreateDirectory(Destination);

        await Unpack(new TestTar().File("a", "a"));

        Assert.Equal("a", File.ReadAllText(Path.Combine(Destination, "a")));
    }

    [Fact]
    public async Task Unpack_failure_leaves_nothing()
    {
        var bad = new TestTar().File("a", "a").File("../escape", "x");

        await Assert.ThrowsAsync<LayerException>(() => Unpack(bad));

        Assert.Empty(Directory.GetFileSystemEntries(_work));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_work)!, "escape")));
    }
}
