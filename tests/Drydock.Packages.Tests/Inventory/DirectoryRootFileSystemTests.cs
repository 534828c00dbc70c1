namespace Drydock.Packages.Tests.Inventory;

public sealed class DirectoryRootFileSystemTests
{
    [Fact]
    public void OpenRead_RegularFile()
    {
        using var root = new TemporaryRoot().Write("/etc/os-release", "ID=debian\n");

        using var stream = root.FileSystem.OpenRead("/etc/os-release");

        Assert.NotNull(stream);
        Assert.Equal("ID=debian\n", new StreamReader(stream).ReadToEnd());
    }

    [Theory]
    [InlineData("/missing")]
    [InlineData("/etc")]
    [InlineData("/etc/os-release/below")]
    public void OpenRead_MissingOrDirectoryIsNull(string path)
    {
        using var root = new TemporaryRoot().Write("/etc/os-release", "ID=debian\n");

        Assert.Null(root.FileSystem.OpenRead(path));
    }

    [Fact]
    public void AbsoluteLink_StaysInsideRoot()
    {
        using var root = new TemporaryRoot().Write("/etc/hostname", "inside\n");
        root.Link("/var/hostname", "/etc/hostname");

        Assert.Equal("/etc/hostname", root.FileSystem.ResolvePath("/var/hostname"));
    }

    [Fact]
    public void DotDotLink_StopsAtRoot()
    {
        using var root = new TemporaryRoot().Write("/etc/hostname", "inside\n");
        root.Link("/var/escape", "../../../../../../etc/hostname");

        Assert.Equal("/etc/hostname", root.FileSystem.ResolvePath("/var/escape"));
        using var stream = root.FileSystem.OpenRead("/var/escape");
        Assert.Equal("inside\n", new StreamReader(stream!).ReadToEnd());
    }

    [Fact]
    public void LinkToHostPath_NotFollowedOutside()
    {
        using var root = new TemporaryRoot();
        root.Link("/passwd", "/etc/passwd");

        Assert.Null(root.FileSystem.OpenRead("/passwd"));
    }

    [Fact]
    public void LinkLoop_IsIOException()
    {
        using var root = new TemporaryRoot();
        root.Link("/a", "/b");
        root.Link("/b", "/a");

        Assert.Throws<IOException>(() => root.FileSystem.ResolvePath("/a"));
    }

    [Fact]
    public void List_EntriesAsAbsolutePaths()
    {
        using var root = new TemporaryRoot().Write("/d/b", "").Write("/d/a", "");
        root.Link("/l", "d");

        Assert.Equal(["/l/a", "/l/b"], root.FileSystem.List("/l"));
        Assert.Empty(root.FileSystem.List("/missing"));
    }
}
