using Drydock.Packages.Distros;

namespace Drydock.Packages.Tests.Distros;

public sealed class ImageFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("drydock-imagefiles-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("drydock-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, true);
        Directory.Delete(_outside, true);
    }

    [Fact]
    public void FromDirectory_FollowsAbsoluteLinkInsideRoot()
    {
        Write("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/os-release"), "/usr/lib/os-release");

        var distro = DistroDetector.Detect(ImageFiles.FromDirectory(_root));

        Assert.Equal("debian:12", distro!.Namespace);
    }

    [Fact]
    public void FromDirectory_FollowsRelativeLink()
    {
        Write("usr/lib/os-release", "ID=alpine\nVERSION_ID=3.18.4\n");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/os-release"), "../usr/lib/os-release");

        Assert.Equal("ID=alpine\nVERSION_ID=3.18.4\n", ImageFiles.FromDirectory(_root)("/etc/os-release"));
    }

    [Fact]
    public void FromDirectory_LinkCannotEscapeRoot()
    {
        File.WriteAllText(Path.Combine(_outside, "secret"), "ID=host\n");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        var escape = Path.Combine("..", "..", "..", "..", "..", "..", _outside.TrimStart('/'), "secret");
        File.CreateSymbolicLink(Path.Combine(_root, "etc/os-release"), escape);
        File.CreateSymbolicLink(Path.Combine(_root, "etc/lsb-release"), Path.Combine(_outside, "secret"));

        var read = ImageFiles.FromDirectory(_root);

        Assert.Null(read("/etc/os-release"));
        Assert.Null(read("/etc/lsb-release"));
        Assert.Null(read("/../../" + _outside + "/secret"));
    }

    [Fact]
    public void FromDirectory_LinkLoopIsAbsent()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/os-release"), "os-release2");
        File.CreateSymbolicLink(Path.Combine(_root, "etc/os-release2"), "os-release");

        Assert.Null(ImageFiles.FromDirectory(_root)("/etc/os-release"));
    }

    [Fact]
    public void FromDirectory_RejectsHugeFile()
    {
        Write("etc/os-release", new string('#', 1024 * 1024));

        Assert.Throws<InvalidDataException>(() => ImageFiles.FromDirectory(_root)("/etc/os-release"));
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
