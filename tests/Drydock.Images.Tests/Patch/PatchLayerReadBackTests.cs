using System.Formats.Tar;
using Drydock.Images.Patch;
using Drydock.Oci.Layers;

namespace Drydock.Images.Tests.Patch;

/// <summary>The read-back of a written patch layer through Drydock's own layer reader.</summary>
public sealed class PatchLayerReadBackTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-readback-").FullName;

    [Fact]
    public void Verify_AcceptsPlainLayer()
    {
        using var layer = PatchLayerWriter.Write(
            [LayerItem.File("etc/a", [1], DateTimeOffset.UnixEpoch)], _directory, CancellationToken.None);

        PatchLayerReadBack.Verify(layer, CancellationToken.None);
    }

    [Fact]
    public void Verify_RejectsEscapingSymlink()
    {
        var link = new LayerItem(
            "usr/lib/evil", TarEntryType.SymbolicLink, LayerItem.FileMode, 0, 0, DateTimeOffset.UnixEpoch,
            "../../../tmp/x");
        using var layer = PatchLayerWriter.Write([link], _directory, CancellationToken.None);

        var error = Assert.Throws<LayerException>(() => PatchLayerReadBack.Verify(layer, CancellationToken.None));

        Assert.Contains("../../../tmp/x", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
