using System.Formats.Tar;
using System.Text;
using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Oci.Model;
using Drydock.Oci.Writing;
using Drydock.Testing.Images;

namespace Drydock.Images.Tests.Verify;

/// <summary>
/// An OCI layout in a temporary directory whose images share the bookworm minbase tarball of
/// mmdebstrap as their first, uncompressed layer; each variant adds one layer that changes the
/// root as a careless Dockerfile step would. Deleted on dispose.
/// </summary>
public sealed class VerifyImages : IDisposable
{
    private static readonly DateTimeOffset _time = new(2025, 5, 20, 0, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-verify-").FullName;
    private LayerBlob? _base;

    public VerifyImages()
    {
        BaseTar = DebianRootFs.Minbase();
        Layout = Path.Combine(_directory, "layout");
    }

    /// <summary>The mmdebstrap tarball of the first layer.</summary>
    public string BaseTar { get; }

    public string Layout { get; }

    /// <summary>Writes the base image alone under <paramref name="tag"/> and returns its reference.</summary>
    public string WriteBase(string tag) => Write(tag, null);

    /// <summary>Writes the base image with one more layer built by <paramref name="build"/>.</summary>
    public string WriteVariant(string tag, Action<LayerBuilder> build)
    {
        var builder = new LayerBuilder(_time);
        build(builder);
        return Write(tag, builder);
    }

    /// <summary>Writes a one-layer image made only of <paramref name="build"/>'s layer.</summary>
    public string WriteAlone(string tag, Action<LayerBuilder> build)
    {
        var builder = new LayerBuilder(_time);
        build(builder);
        var layer = BuildLayer(builder);
        var config = ConfigBuilder.Create(Platform.Host, _time);
        config = ConfigBuilder.AppendLayer(config, layer.Layer.DiffId, "layer", _time);
        WriteImage(tag, config, [layer]);
        return $"oci:{Layout}:{tag}";
    }

    /// <summary>Returns the content of a file of the base tarball, such as <c>var/lib/dpkg/status</c>.</summary>
    public byte[] ReadBaseFile(string path)
    {
        using var stream = File.OpenRead(BaseTar);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') == path && entry.DataStream is { } data)
            {
                using var buffer = new MemoryStream();
                data.CopyTo(buffer);
                return buffer.ToArray();
            }
        }

        throw new FileNotFoundException($"'{path}' is not in '{BaseTar}'.");
    }

    public string ReadBaseText(string path) => Encoding.UTF8.GetString(ReadBaseFile(path));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string tag, LayerBuilder? upper)
    {
        _base ??= Compress(BaseTar, Path.Combine(_directory, "base.tar"));
        var config = ConfigBuilder.Create(Platform.Host, _time);
        config = ConfigBuilder.AppendLayer(config, _base.Layer.DiffId, "mmdebstrap --variant=minbase bookworm", _time);
        var layers = new List<LayerBlob> { _base };
        if (upper is not null)
        {
            var layer = BuildLayer(upper);
            config = ConfigBuilder.AppendLayer(config, layer.Layer.DiffId, "RUN " + tag, _time);
            layers.Add(layer);
        }

        WriteImage(tag, config, layers);
        return $"oci:{Layout}:{tag}";
    }

    private LayerBlob BuildLayer(LayerBuilder builder)
    {
        var path = Path.Combine(_directory, $"layer-{Guid.NewGuid():N}.tar");
        using (var output = File.Create(path))
        {
            var layer = builder.WriteAsync(output, LayerCompression.None, CancellationToken.None)
                .GetAwaiter().GetResult();
            return new LayerBlob(layer, () => File.OpenRead(path));
        }
    }

    private static LayerBlob Compress(string tar, string blob)
    {
        using var input = File.OpenRead(tar);
        using var output = File.Create(blob);
        var layer = LayerBuilder.CompressAsync(input, output, LayerCompression.None, CancellationToken.None)
            .GetAwaiter().GetResult();
        return new LayerBlob(layer, () => File.OpenRead(blob));
    }

    private void WriteImage(string tag, byte[] config, IReadOnlyList<LayerBlob> layers)
    {
        var destination = OciLayout.OpenDestination(Layout, tag);
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
