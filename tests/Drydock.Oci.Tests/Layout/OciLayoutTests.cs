using System.Text;
using System.Text.Json;
using Drydock.Oci.DockerArchives;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Oci.Tests.Writing;
using Drydock.Oci.Transports;
using Drydock.Testing.Transports;

namespace Drydock.Oci.Tests.Layout;

public sealed class OciLayoutTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("drydock-layout-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string At(string name) => Path.Combine(_work, name);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    internal static async Task<string?> ReadStatus(IImageSource source)
    {
        await using (source)
        {
            var image = await ResolvedImage.LoadAsync(source, null, Token);
            var file = await new ImageFileSystem(image).ReadFileAsync("/var/lib/dpkg/status", Token);
            return file is null ? null : Encoding.UTF8.GetString(file.Content.Span);
        }
    }

    [Fact]
    public async Task Layout_round_trips_by_tag()
    {
        await TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v1"));

        var status = await ReadStatus(OciLayout.OpenSource(At("layout"), "v1"));

        Assert.Equal("Package: base-files\n\nPackage: curl\n", status);
        Assert.True(File.Exists(At("layout/oci-layout")));
        Assert.Empty(Directory.GetFileSystemEntries(_work, ".*"));
    }

    [Fact]
    public async Task Layout_keeps_other_tags()
    {
        await TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v1"));
        await TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v2"), LayerCompression.Zstd);
        await TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v2"), LayerCompression.Zstd);

        using var index = JsonDocument.Parse(File.ReadAllBytes(At("layout/index.json")));

        Assert.Equal(2, index.RootElement.GetProperty("manifests").GetArrayLength());
        Assert.NotNull(await ReadStatus(OciLayout.OpenSource(At("layout"), "v2")));
    }

    [Fact]
    public async Task Layout_missing_tag_is_not_found()
    {
        await TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v1"));

        var error = await Assert.ThrowsAsync<FileNotFoundException>(
            () => ReadStatus(OciLayout.OpenSource(At("layout"), "v9")));

        Assert.Contains("'v9'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'v1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layout_detects_corrupt_blob()
    {
        var manifest = await TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v1"));
        var layer = manifest.ParseManifest().Layers[1];
        var path = At("layout/blobs/sha256/" + layer.Digest.Hex);
        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0xff;
        File.WriteAllBytes(path, bytes);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(
            () => ReadStatus(OciLayout.OpenSource(At("layout"), "v1")));

        Assert.Contains($"'{layer.Digest}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Digest.Compute(bytes)}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destination_without_commit_leaves_nothing()
    {
        await using (var destination = OciLayout.OpenDestination(At("layout"), "v1"))
        {
            await destination.PutBlobAsync(
                new Model.Descriptor { MediaType = "x", Digest = Digest.Compute([1]), Size = 1 },
                new MemoryStream([1]), Token);
        }

        Assert.Empty(Directory.GetFileSystemEntries(_work));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task Destination_cancelled_leaves_no_parents(int cancelAt)
    {
        var destination = new CancellingDestination(OciLayout.OpenDestination(At("new/parent/layout"), "v1"), cancelAt);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestImages.WriteAsync(destination));

        Assert.Empty(Directory.GetFileSystemEntries(_work));
    }

    [Fact]
    public async Task Destination_opened_creates_nothing()
    {
        await using (OciLayout.OpenDestination(At("new/layout"), "v1"))
        {
            Assert.Empty(Directory.GetFileSystemEntries(_work));
        }

        Assert.Empty(Directory.GetFileSystemEntries(_work));
    }

    [Fact]
    public async Task Archive_round_trips()
    {
        await TestImages.WriteAsync(OciArchive.OpenDestination(At("image.tar"), "v1"));

        var status = await ReadStatus(OciArchive.OpenSource(At("image.tar"), "v1"));

        Assert.Equal("Package: base-files\n\nPackage: curl\n", status);
        Assert.Equal(["image.tar"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName));
    }

    [Fact]
    public async Task DockerArchive_round_trips()
    {
        await TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v1"));
        await using (var source = OciLayout.OpenSource(At("layout"), "v1"))
        {
            await using var destination = DockerArchive.OpenDestination(At("docker.tar"), "example.com/app:v1");
            await ImageCopier.CopyAsync(source, destination, new CopyOptions(), Token);
        }

        var status = await ReadStatus(DockerArchive.OpenSource(At("docker.tar"), "example.com/app:v1"));

        Assert.Equal("Package: base-files\n\nPackage: curl\n", status);
    }

    [Fact]
    public async Task DockerArchive_rejects_zstd_layers()
    {
        await TestImages.WriteAsync(OciLayout.OpenDestination(At("layout"), "v1"), LayerCompression.Zstd);

        var error = await Assert.ThrowsAsync<NotSupportedException>(async () =>
        {
            await using var source = OciLayout.OpenSource(At("layout"), "v1");
            await using var destination = DockerArchive.OpenDestination(At("docker.tar"), null);
            await ImageCopier.CopyAsync(source, destination, new CopyOptions(), Token);
        });

        Assert.Contains("zstd", error.Message, StringComparison.Ordinal);
        Assert.Equal(["layout"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName));
    }
}
