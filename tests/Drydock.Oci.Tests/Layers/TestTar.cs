using System.Formats.Tar;
using System.IO.Compression;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;

namespace Drydock.Oci.Tests.Layers;

/// <summary>Builds small tar layers in memory, hostile ones included, for the layer tests.</summary>
internal sealed class TestTar
{
    private readonly MemoryStream _tar = new();
    private readonly TarWriter _writer;

    public TestTar()
    {
        _writer = new TarWriter(_tar, TarEntryFormat.Pax, leaveOpen: true);
    }

    public static DateTimeOffset Time { get; } = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public TestTar File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
            Mode = mode,
            ModificationTime = Time,
        };
        _writer.WriteEntry(entry);
        return this;
    }

    public TestTar Directory(string name, UnixFileMode mode = (UnixFileMode)0b111_101_101) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode, ModificationTime = Time });

    public TestTar Symlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name)
        {
            LinkName = target,
            Mode = (UnixFileMode)0b111_111_111,
            ModificationTime = Time,
        });

    public TestTar HardLink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, ModificationTime = Time });

    public TestTar Device(string name) =>
        Add(new PaxTarEntry(TarEntryType.CharacterDevice, name)
        {
            DeviceMajor = 1,
            DeviceMinor = 3,
            ModificationTime = Time,
        });

    public TestTar Whiteout(string name) => File(name, string.Empty);

    public TestTar Add(TarEntry entry)
    {
        _writer.WriteEntry(entry);
        return this;
    }

    /// <summary>Appends raw bytes, for headers that no tar writer would produce.</summary>
    public TestTar Raw(byte[] bytes)
    {
        _tar.Write(bytes);
        return this;
    }

    public byte[] ToArray()
    {
        _writer.Dispose();
        return _tar.ToArray();
    }

    public static byte[] Gzip(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return output.ToArray();
    }

    public static byte[] Zstd(byte[] tar)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(tar).ToArray();
    }

    /// <summary>Describes a blob as a layer of image "test-image" with a correct diff_id.</summary>
    public static ImageLayer Describe(byte[] blob, byte[] tar, string mediaType = MediaTypes.OciLayerGzip) =>
        new("test-image", 0, new Descriptor { MediaType = mediaType, Digest = Digest.Compute(blob), Size = blob.Length },
            Digest.Compute(tar));

    /// <summary>Reads every entry of a gzip-compressed layer made from the tar.</summary>
    public static List<LayerEntry> ReadAll(byte[] tar, LayerLimits? limits = null)
    {
        var blob = Gzip(tar);
        using var reader = LayerReader.Open(new MemoryStream(blob), Describe(blob, tar), limits);
        var entries = new List<LayerEntry>();
        while (reader.Next() is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }
}
