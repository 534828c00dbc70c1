using Drydock.Images.Patch;
using Drydock.Oci.Transports;
using Drydock.Testing.Transports;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// A patch interrupted at a chosen point, by a token the destination cancels as a call
/// begins, leaves neither the output nor its parent nor a temporary layer behind.
/// </summary>
public sealed class CancellationTests(PatchFixture fixture) : IClassFixture<PatchFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-cancel-").FullName;

    // The destination sees HasBlob and PutBlob for the base layer, PutBlob for the patch layer
    // and the config, then PutRootManifest and Commit.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Patch_CancelledLeavesNothing(int cancelAt)
    {
        fixture.Require();
        var output = Path.Combine(_directory, "parent", "layout");
        await using var source = ImageTransports.OpenSource(fixture.Image, fixture.Options);
        var destination = new CancellingDestination(
            ImageTransports.OpenDestination($"oci:{output}:patched", fixture.Options), cancelAt);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using (destination)
            {
                var patcher = new ImagePatcher(fixture.Http);
                await patcher.PatchAsync(source, destination, new PatchOptions(), destination.Token);
            }
        });

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void LayerWriter_CancelledDeletesFile()
    {
        var items = new[] { LayerItem.File("etc/a", [1], DateTimeOffset.UnixEpoch) };
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => PatchLayerWriter.Write(items, _directory, cancellation.Token));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
