using System.Text;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Tests.Layers;

namespace Drydock.Oci.Tests.FileSystem;

public sealed class ImageFileSystemTests
{
    private static ImageFileSystem View(params TestTar[] layers)
    {
        var blobs = layers.Select(layer => layer.ToArray()).ToList();
        var described = blobs
            .Select((tar, i) => TestTar.Describe(tar, tar, MediaTypes.OciLayer) with { Index = i })
            .ToList();
        return new ImageFileSystem(described, (layer, _) =>
            Task.FromResult(LayerReader.Open(new MemoryStream(blobs[layer.Index]), layer)));
    }

    private static async Task<string?> Read(ImageFileSystem view, string path)
    {
        var file = await view.ReadFileAsync(path, TestContext.Current.CancellationToken);
        return file is null ? null : Encoding.UTF8.GetString(file.Content.Span);
    }

    [Fact]
    public async Task ReadFile_follows_symlink_to_later_target()
    {
        var view = View(new TestTar()
            .Symlink("etc/os-release", "../usr/lib/os-release")
            .File("usr/lib/os-release", "ID=debian\n"));

        Assert.Equal("ID=debian\n", await Read(view, "/etc/os-release"));
    }

    [Fact]
    public async Task ReadFile_follows_symlink_to_earlier_target()
    {
        var view = View(
            new TestTar().File("usr/lib/os-release", "ID=debian\n"),
            new TestTar().Symlink("etc/os-release", "/usr/lib/os-release"));

        Assert.Equal("ID=debian\n", await Read(view, "/etc/os-release"));
    }

    [Fact]
    public async Task ReadFile_follows_symlinked_directory()
    {
        var view = View(new TestTar()
            .Symlink("lib", "usr/lib")
            .File("usr/lib/os-release", "ID=debian\n"));

        Assert.Equal("ID=debian\n", await Read(view, "/lib/os-release"));
    }

    [Fact]
    public async Task ReadFile_clamps_absolute_climb_at_root()
    {
        var view = View(new TestTar()
            .Symlink("etc/evil", "/../../../../etc/passwd")
            .File("etc/passwd", "root:x:0:0\n"));

        Assert.Equal("root:x:0:0\n", await Read(view, "/etc/evil"));
    }

    [Fact]
    public async Task ReadFile_takes_topmost_layer()
    {
        var view = View(
            new TestTar().File("etc/debian_version", "12.0\n"),
            new TestTar().File("etc/debian_version", "12.8\n"));

        Assert.Equal("12.8\n", await Read(view, "/etc/debian_version"));
    }

    [Fact]
    public async Task ReadFile_honours_whiteout()
    {
        var view = View(
            new TestTar().File("etc/motd", "hello\n"),
            new TestTar().Whiteout("etc/.wh.motd"));

        Assert.Null(await Read(view, "/etc/motd"));
    }

    [Fact]
    public async Task ReadFile_honours_whiteout_of_directory()
    {
        var view = View(
            new TestTar().File("opt/app/config", "a\n"),
            new TestTar().Whiteout("opt/.wh.app"));

        Assert.Null(await Read(view, "/opt/app/config"));
    }

    [Fact]
    public async Task ReadFile_honours_opaque_directory()
    {
        var view = View(
            new TestTar().File("etc/apt/old", "old\n").File("etc/apt/kept", "lower\n"),
            new TestTar().File("etc/apt/kept", "upper\n").Whiteout("etc/apt/.wh..wh..opq"));

        Assert.Null(await Read(view, "/etc/apt/old"));
        Assert.Equal("upper\n", await Read(view, "/etc/apt/kept"));
    }

    [Fact]
    public async Task ReadFile_reads_hard_link()
    {
        var view = View(new TestTar()
            .File("usr/bin/perl5.36", "#!perl\n")
            .HardLink("usr/bin/perl", "usr/bin/perl5.36"));

        Assert.Equal("#!perl\n", await Read(view, "/usr/bin/perl"));
    }

    [Fact]
    public async Task ReadFile_directory_replaces_lower_symlink()
    {
        var view = View(
            new TestTar().Symlink("data", "usr/data").File("usr/data/x", "lower\n"),
            new TestTar().File("data/x", "upper\n"));

        Assert.Equal("upper\n", await Read(view, "/data/x"));
        Assert.Equal("lower\n", await Read(view, "/usr/data/x"));
    }

    [Fact]
    public async Task ReadFile_rejects_symlink_loop()
    {
        var view = View(new TestTar().Symlink("a", "b").Symlink("b", "a"));

        await Assert.ThrowsAsync<IOException>(() => Read(view, "/a"));
    }

    [Fact]
    public async Task ReadFile_absent_is_null()
    {
        var view = View(new TestTar().File("etc/hostname", "x\n"));

        Assert.Null(await Read(view, "/etc/os-release"));
    }

    [Fact]
    public async Task ReadMatching_selects_by_path()
    {
        var view = View(
            new TestTar().File("var/lib/dpkg/status.d/base", "a").File("var/lib/dpkg/status.d/tzdata", "b"),
            new TestTar().Whiteout("var/lib/dpkg/status.d/.wh.tzdata").File("etc/x", "c"));

        var files = await view.ReadMatchingAsync(
            path => path.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal),
            TestContext.Current.CancellationToken);

        Assert.Equal(["var/lib/dpkg/status.d/base"], files.Select(file => file.Path));
    }

    [Fact]
    public async Task ReadLayerChanges_tracks_state_per_layer()
    {
        var view = View(
            new TestTar().File("var/lib/dpkg/status", "base\n"),
            new TestTar().File("etc/x", "unrelated"),
            new TestTar().File("var/lib/dpkg/status", "base\ncurl\n"),
            new TestTar().Whiteout("var/lib/dpkg/.wh.status"));

        var states = new List<string?>();
        var changed = new List<int>();
        await foreach (var layer in view.ReadLayerChangesAsync(
            path => path == "var/lib/dpkg/status", TestContext.Current.CancellationToken))
        {
            states.Add(layer.State.TryGetValue("var/lib/dpkg/status", out var file)
                ? Encoding.UTF8.GetString(file.Content.Span)
                : null);
            changed.Add(layer.Changed.Count + layer.Removed.Count);
        }

        Assert.Equal(["base\n", "base\n", "base\ncurl\n", null], states);
        Assert.Equal([1, 0, 1, 1], changed);
    }
}
