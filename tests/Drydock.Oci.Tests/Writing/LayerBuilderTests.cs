using System.Text;
using Drydock.Oci.Layers;
using Drydock.Oci.Tests.Layers;
using Drydock.Oci.Writing;

namespace Drydock.Oci.Tests.Writing;

public sealed class LayerBuilderTests
{
    private static LayerBuilder Sample() => new LayerBuilder(TestImages.Time)
        .AddFile("usr/bin/b", Encoding.UTF8.GetBytes("b"))
        .AddFile("etc/a", Encoding.UTF8.GetBytes("a"), uid: 7, gid: 8)
        .AddSymlink("bin", "usr/bin")
        .AddWhiteout("var/old");

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task Write_is_reproducible(LayerCompression compression)
    {
        var first = new MemoryStream();
        var second = new MemoryStream();

        var one = await TestImages.BuildAsync(Sample(), first, compression);
        await Task.Delay(1100, TestContext.Current.CancellationToken);
        var two = await TestImages.BuildAsync(Sample(), second, compression);

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(one, two);
    }

    [Fact]
    public async Task Write_sorts_and_adds_parents()
    {
        var blob = new MemoryStream();
        var layer = await TestImages.BuildAsync(Sample(), blob, LayerCompression.None);

        var entries = TestTar.ReadAll(blob.ToArray());

        Assert.Equal(["bin", "etc", "etc/a", "usr", "usr/bin", "usr/bin/b", "var", "var/old"],
            entries.Select(entry => entry.Path));
        Assert.Equal(LayerEntryKind.Whiteout, entries[^1].Kind);
        Assert.All(entries, entry => Assert.Equal(TestImages.Time, entry.ModificationTime));
        Assert.Equal((7, 8), (entries[2].Uid, entries[2].Gid));
        Assert.Equal(layer.Descriptor.Digest, layer.DiffId);
    }

    [Fact]
    public async Task Write_describes_gzip_layer()
    {
        var blob = new MemoryStream();

        var layer = await TestImages.BuildAsync(Sample(), blob);

        Assert.Equal(MediaTypes.OciLayerGzip, layer.Descriptor.MediaType);
        Assert.Equal(blob.Length, layer.Descriptor.Size);
        Assert.Equal(Digest.Compute(blob.ToArray()), layer.Descriptor.Digest);
    }

    [Fact]
    public void AddFile_rejects_escaping_path()
    {
        var builder = new LayerBuilder(TestImages.Time);

        Assert.Throws<ArgumentException>(() => builder.AddFile("../x", Encoding.UTF8.GetBytes("x")));
    }
}
