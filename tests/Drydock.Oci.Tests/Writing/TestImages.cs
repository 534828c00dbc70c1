using System.Text;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Oci.Writing;

namespace Drydock.Oci.Tests.Writing;

/// <summary>Small two-layer images written with Drydock's own writer.</summary>
internal static class TestImages
{
    public static DateTimeOffset Time { get; } = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<BuiltLayer> BuildAsync(LayerBuilder builder, MemoryStream output,
        LayerCompression compression = LayerCompression.Gzip) =>
        await builder.WriteAsync(output, compression, TestContext.Current.CancellationToken);

    /// <summary>Writes a base layer with os-release and a dpkg status, and an upper layer changing both.</summary>
    public static async Task<RawManifest> WriteAsync(IImageDestination destination,
        LayerCompression compression = LayerCompression.Gzip)
    {
        var lower = new LayerBuilder(Time)
            .AddFile("usr/lib/os-release", Encoding.UTF8.GetBytes("ID=debian\nVERSION_ID=\"12\"\n"))
            .AddSymlink("etc/os-release", "../usr/lib/os-release")
            .AddFile("var/lib/dpkg/status", Encoding.UTF8.GetBytes("Package: base-files\n"))
            .AddFile("etc/motd", Encoding.UTF8.GetBytes("hello\n"))
            .AddFile("usr/bin/tool", Encoding.UTF8.GetBytes("#!/bin/sh\n"), (UnixFileMode)0b111_101_101, 0, 0)
            .AddHardLink("usr/bin/tool2", "usr/bin/tool", (UnixFileMode)0b111_101_101);
        var upper = new LayerBuilder(Time)
            .AddFile("var/lib/dpkg/status", Encoding.UTF8.GetBytes("Package: base-files\n\nPackage: curl\n"))
            .AddFile("home/user/notes", Encoding.UTF8.GetBytes("mine\n"), (UnixFileMode)0b110_000_000, 1000, 1000)
            .AddWhiteout("etc/motd");
        var lowerBlob = new MemoryStream();
        var upperBlob = new MemoryStream();
        var lowerLayer = await BuildAsync(lower, lowerBlob, compression);
        var upperLayer = await BuildAsync(upper, upperBlob, compression);

        var config = ConfigBuilder.Create(new Platform { Os = "linux", Architecture = "amd64" }, Time);
        config = ConfigBuilder.AppendLayer(config, lowerLayer.DiffId, "base", Time);
        config = ConfigBuilder.AppendLayer(config, upperLayer.DiffId, "RUN apt-get install curl", Time);
        await using (destination)
        {
            return await ImageWriter.WriteAsync(destination, config,
            [
                new LayerBlob(lowerLayer, () => new MemoryStream(lowerBlob.ToArray())),
                new LayerBlob(upperLayer, () => new MemoryStream(upperBlob.ToArray())),
            ], TestContext.Current.CancellationToken);
        }
    }
}
