using System.Runtime.Versioning;
using System.Text.Json;
using Drydock.Oci.DockerArchives;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Oci.Tests.Writing;
using Drydock.Oci.Transports;
using Drydock.Testing.Images;

namespace Drydock.Oci.Tests.Layout;

/// <summary>
/// Images Drydock writes are read by skopeo and umoci, and images they write are read by
/// Drydock.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class InteropTests : IDisposable
{
    private const string Status = "Package: base-files\n\nPackage: curl\n";

    private readonly string _work = Directory.CreateTempSubdirectory("drydock-interop-").FullName;

    public InteropTests()
    {
        TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v1")).GetAwaiter().GetResult();
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string At(string name) => Path.Combine(_work, name);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Skopeo_inspects_drydock_layout()
    {
        var output = ExternalTool.Run("skopeo", "inspect", $"oci:{At("layout")}:v1");

        using var inspected = JsonDocument.Parse(output);
        Assert.Equal(2, inspected.RootElement.GetProperty("Layers").GetArrayLength());
        Assert.Equal("amd64", inspected.RootElement.GetProperty("Architecture").GetString());
    }

    [Fact]
    public async Task Skopeo_copy_to_layout_is_readable()
    {
        ExternalTool.Run("skopeo", "copy", $"oci:{At("layout")}:v1", $"oci:{At("copy")}:v1");

        Assert.Equal(Status, await OciLayoutTests.ReadStatus(OciLayout.OpenSource(At("copy"), "v1")));
    }

    [Fact]
    public async Task Skopeo_docker_archive_is_readable()
    {
        ExternalTool.Run("skopeo", "copy", $"oci:{At("layout")}:v1", $"docker-archive:{At("docker.tar")}:example/app:v1");

        var status = await OciLayoutTests.ReadStatus(DockerArchive.OpenSource(At("docker.tar"), "example/app:v1"));

        Assert.Equal(Status, status);
    }

    [Fact]
    public async Task Skopeo_reads_drydock_docker_archive()
    {
        await CopyAsync(DockerArchive.OpenDestination(At("docker.tar"), "example/app:v1"));

        ExternalTool.Run("skopeo", "copy", $"docker-archive:{At("docker.tar")}", $"oci:{At("back")}:v1");

        Assert.Equal(Status, await OciLayoutTests.ReadStatus(OciLayout.OpenSource(At("back"), "v1")));
    }

    [Fact]
    public async Task Skopeo_reads_drydock_oci_archive()
    {
        await CopyAsync(OciArchive.OpenDestination(At("image.tar"), "v1"));

        ExternalTool.Run("skopeo", "copy", $"oci-archive:{At("image.tar")}:v1", $"oci:{At("back")}:v1");

        Assert.Equal(Status, await OciLayoutTests.ReadStatus(OciLayout.OpenSource(At("back"), "v1")));
    }

    [Fact]
    public async Task Skopeo_oci_archive_is_readable()
    {
        ExternalTool.Run("skopeo", "copy", $"oci:{At("layout")}:v1", $"oci-archive:{At("image.tar")}:v1");

        Assert.Equal(Status, await OciLayoutTests.ReadStatus(OciArchive.OpenSource(At("image.tar"), "v1")));
    }

    [Fact]
    public async Task Unpack_matches_umoci_rootless()
    {
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{At("layout")}:v1", At("bundle"));
        await using (var source = OciLayout.OpenSource(At("layout"), "v1"))
        {
            var image = await ResolvedImage.LoadAsync(source, null, Token);
            await new RootfsUnpacker().UnpackAsync(image, At("rootfs"), Token);
        }

        var expected = TreeSnapshot.Take(At("bundle/rootfs"));
        var actual = TreeSnapshot.Take(At("rootfs"));

        Assert.Equal(expected, actual);
        Assert.DoesNotContain("etc/motd", actual.Keys);
    }

    [Fact]
    public async Task Umoci_repack_is_readable()
    {
        ExternalTool.Run("umoci", "unpack", "--image", $"{At("layout")}:v1", At("bundle"));
        File.WriteAllText(At("bundle/rootfs/var/lib/dpkg/status"), "Package: repacked\n");
        File.Delete(At("bundle/rootfs/usr/bin/tool2"));
        ExternalTool.Run("umoci", "repack", "--image", $"{At("layout")}:v2", At("bundle"));

        await using var source = OciLayout.OpenSource(At("layout"), "v2");
        var image = await ResolvedImage.LoadAsync(source, null, Token);
        var view = new ImageFileSystem(image);
        var files = await view.ReadFilesAsync(["/var/lib/dpkg/status", "/usr/bin/tool2", "/etc/os-release"], Token);

        Assert.Equal(3, image.Layers.Count);
        Assert.Equal("Package: repacked\n", System.Text.Encoding.UTF8.GetString(files["/var/lib/dpkg/status"]!.Content.Span));
        Assert.Null(files["/usr/bin/tool2"]);
        Assert.NotNull(files["/etc/os-release"]);
    }

    private async Task CopyAsync(Transports.IImageDestination destination)
    {
        await using var source = OciLayout.OpenSource(At("layout"), "v1");
        await using (destination)
        {
            await ImageCopier.CopyAsync(source, destination, new CopyOptions(), Token);
        }
    }
}
