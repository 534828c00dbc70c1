using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Oci.Model;
using Drydock.Oci.Writing;

namespace Drydock.Testing.Images;

/// <summary>
/// OCI images made from the mmdebstrap root file systems, cached beside them: tag
/// <c>minbase</c> is one layer of bookworm minbase, tag <c>curl</c> adds a second layer that
/// installs curl the way <c>RUN apt-get install curl</c> would, with whiteouts for removed files.
/// </summary>
public static class DebianImages
{
    public const string MinbaseTag = "minbase";
    public const string CurlTag = "curl";

    private static readonly DateTimeOffset _created = new(2025, 5, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Returns the OCI layout directory holding both tags, building it when absent.</summary>
    public static string Layout()
    {
        var minbase = DebianRootFs.Minbase();
        var curl = DebianRootFs.MinbaseWithCurl();
        var key = Path.GetFileNameWithoutExtension(minbase) + "-" + Path.GetFileNameWithoutExtension(curl)[^16..];
        var layout = Path.Combine(DebianRootFs.CacheDirectory, "layout-" + key);
        return FixtureCache.GetOrCreate(layout, temporary => Build(minbase, curl, temporary));
    }

    private static void Build(string minbaseTar, string curlTar, string layout)
    {
        var work = Directory.CreateTempSubdirectory("drydock-image-").FullName;
        try
        {
            var lower = Compress(minbaseTar, Path.Combine(work, "lower.tar.gz"));
            var diffTar = Path.Combine(work, "diff.tar");
            TarDiff.Write(minbaseTar, curlTar, diffTar);
            var upper = Compress(diffTar, Path.Combine(work, "upper.tar.gz"));

            var config = ConfigBuilder.Create(Platform.Host, _created);
            config = ConfigBuilder.AppendLayer(config, lower.Layer.DiffId, "mmdebstrap --variant=minbase bookworm",
                _created);
            Write(layout, MinbaseTag, config, [lower]);
            config = ConfigBuilder.AppendLayer(config, upper.Layer.DiffId, "RUN apt-get install curl", _created);
            Write(layout, CurlTag, config, [lower, upper]);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static LayerBlob Compress(string tar, string blob)
    {
        using var input = File.OpenRead(tar);
        using var output = File.Create(blob);
        var layer = LayerBuilder.CompressAsync(input, output, LayerCompression.Gzip, CancellationToken.None)
            .GetAwaiter().GetResult();
        return new LayerBlob(layer, () => File.OpenRead(blob));
    }

    private static void Write(string layout, string tag, byte[] config, IReadOnlyList<LayerBlob> layers)
    {
        var destination = OciLayout.OpenDestination(layout, tag);
        try
        {
            ImageWriter.WriteAsync(destination, config, layers, CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            destination.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
