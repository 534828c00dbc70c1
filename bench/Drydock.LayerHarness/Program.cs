using System.Diagnostics;
using System.IO.Compression;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Oci.Model;
using Drydock.Oci.Writing;

// A harness for bench/unpack-vs-umoci.sh and bench/read-status.sh, kept apart from the drydock
// command line so that the measured work is exactly the library call:
//   make-image ROOTFS.tar LAYOUT TAG   turn a root file system tarball into a one-layer image
//   read-status LAYOUT TAG             read /var/lib/dpkg/status through the file-system view
//   read-layers LAYOUT TAG             read and decompress every layer byte once, and nothing else
var command = args.Length > 0 ? args[0] : string.Empty;
var stopwatch = Stopwatch.StartNew();
switch (command)
{
    case "make-image" when args.Length == 4:
        await MakeImageAsync(args[1], args[2], args[3]);
        break;
    case "read-status" when args.Length == 3:
        await ReadStatusAsync(args[1], args[2]);
        break;
    case "read-layers" when args.Length == 3:
        await ReadLayersAsync(args[1], args[2]);
        break;
    default:
        Console.Error.WriteLine("usage: make-image ROOTFS.tar LAYOUT TAG | read-status LAYOUT TAG | read-layers LAYOUT TAG");
        return 2;
}

Console.Error.WriteLine($"{command}: {stopwatch.Elapsed.TotalSeconds:F3} s");
return 0;

static async Task MakeImageAsync(string rootfs, string layout, string tag)
{
    var blob = Path.GetTempFileName();
    try
    {
        BuiltLayer layer;
        await using (var input = File.OpenRead(rootfs))
        await using (var output = File.Create(blob))
        {
            layer = await LayerBuilder.CompressAsync(input, output, LayerCompression.Gzip, CancellationToken.None);
        }

        var created = new DateTimeOffset(2025, 5, 20, 0, 0, 0, TimeSpan.Zero);
        var config = ConfigBuilder.Create(Platform.Host, created);
        config = ConfigBuilder.AppendLayer(config, layer.DiffId, "mmdebstrap bookworm", created);
        await using var destination = OciLayout.OpenDestination(layout, tag);
        await ImageWriter.WriteAsync(destination, config, [new LayerBlob(layer, () => File.OpenRead(blob))],
            CancellationToken.None);
    }
    finally
    {
        File.Delete(blob);
    }
}

static async Task ReadStatusAsync(string layout, string tag)
{
    await using var source = OciLayout.OpenSource(layout, tag);
    var image = await ResolvedImage.LoadAsync(source, null, CancellationToken.None);
    var file = await new ImageFileSystem(image).ReadFileAsync("/var/lib/dpkg/status", CancellationToken.None);
    Console.WriteLine($"/var/lib/dpkg/status: {file?.Content.Length ?? 0} bytes");
}

static async Task ReadLayersAsync(string layout, string tag)
{
    await using var source = OciLayout.OpenSource(layout, tag);
    var image = await ResolvedImage.LoadAsync(source, null, CancellationToken.None);
    long total = 0;
    foreach (var layer in image.Layers)
    {
        await using var blob = await source.OpenBlobAsync(layer.Descriptor, CancellationToken.None);
        await using var tar = new GZipStream(blob, CompressionMode.Decompress);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await tar.ReadAsync(buffer)) > 0)
        {
            total += read;
        }
    }

    Console.WriteLine($"read {total} uncompressed bytes");
}
