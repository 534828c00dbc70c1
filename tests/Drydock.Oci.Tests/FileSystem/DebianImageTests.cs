using System.Runtime.Versioning;
using System.Text;
using Drydock.Oci.DockerArchives;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Testing.Images;

namespace Drydock.Oci.Tests.FileSystem;

/// <summary>
/// The file-system view, unpack and the transports on a real Debian bookworm image built by
/// mmdebstrap, against skopeo and umoci.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DebianImageTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("drydock-debian-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<ResolvedImage> LoadAsync(Transports.IImageSource source) =>
        await ResolvedImage.LoadAsync(source, null, Token);

    [Fact]
    public async Task View_reads_release_and_status()
    {
        await using var source = OciLayout.OpenSource(DebianImages.Layout(), DebianImages.CurlTag);
        var view = new ImageFileSystem(await LoadAsync(source));

        var files = await view.ReadFilesAsync(["/etc/os-release", "/var/lib/dpkg/status"], Token);

        var release = Encoding.UTF8.GetString(files["/etc/os-release"]!.Content.Span);
        var status = Encoding.UTF8.GetString(files["/var/lib/dpkg/status"]!.Content.Span);
        Assert.Contains("VERSION_CODENAME=bookworm", release, StringComparison.Ordinal);
        Assert.Contains("\nPackage: curl\n", status, StringComparison.Ordinal);
        Assert.Equal(1, files["/var/lib/dpkg/status"]!.LayerIndex);
    }

    [Fact]
    public async Task View_tracks_status_per_layer()
    {
        await using var source = OciLayout.OpenSource(DebianImages.Layout(), DebianImages.CurlTag);
        var view = new ImageFileSystem(await LoadAsync(source));

        var statuses = new List<string>();
        await foreach (var layer in view.ReadLayerChangesAsync(path => path == "var/lib/dpkg/status", Token))
        {
            statuses.Add(Encoding.UTF8.GetString(layer.State["var/lib/dpkg/status"].Content.Span));
        }

        Assert.Equal(2, statuses.Count);
        Assert.DoesNotContain("\nPackage: curl\n", statuses[0], StringComparison.Ordinal);
        Assert.Contains("\nPackage: curl\n", statuses[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unpack_matches_umoci()
    {
        var layout = DebianImages.Layout();
        ExternalTool.Run("umoci", "unpack", "--image", $"{layout}:{DebianImages.CurlTag}", Path.Combine(_work, "bundle"));
        await using (var source = OciLayout.OpenSource(layout, DebianImages.CurlTag))
        {
            await new RootfsUnpacker().UnpackAsync(await LoadAsync(source), Path.Combine(_work, "rootfs"), Token);
        }

        var expected = TreeSnapshot.Take(Path.Combine(_work, "bundle/rootfs"));
        var actual = TreeSnapshot.Take(Path.Combine(_work, "rootfs"));

        Assert.True(expected.Count > 5000);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Skopeo_docker_archive_of_debian_is_readable()
    {
        var archive = Path.Combine(_work, "debian.tar");
        ExternalTool.Run("skopeo", "copy", $"oci:{DebianImages.Layout()}:{DebianImages.CurlTag}",
            $"docker-archive:{archive}:debian:curl");

        await using var source = DockerArchive.OpenSource(archive, "debian:curl");
        var status = await new ImageFileSystem(await LoadAsync(source)).ReadFileAsync("/var/lib/dpkg/status", Token);

        Assert.Contains("\nPackage: curl\n", Encoding.UTF8.GetString(status!.Content.Span), StringComparison.Ordinal);
    }
}
