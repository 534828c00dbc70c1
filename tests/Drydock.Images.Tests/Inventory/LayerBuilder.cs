using System.Formats.Tar;
using System.Text;
using Drydock.Oci;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;

namespace Drydock.Images.Tests.Inventory;

/// <summary>Builds one uncompressed tar layer in memory from files, symlinks and whiteouts.</summary>
internal sealed class LayerBuilder
{
    private readonly MemoryStream _tar = new();
    private readonly TarWriter _writer;

    public LayerBuilder()
    {
        _writer = new TarWriter(_tar, TarEntryFormat.Pax, leaveOpen: true);
    }

    public LayerBuilder File(string path, string content)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            Mode = (UnixFileMode)0b110_100_100,
        });
        return this;
    }

    public LayerBuilder Symlink(string path, string target)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, path) { LinkName = target });
        return this;
    }

    /// <summary>Deletes a path of the layers below, as <c>.wh.NAME</c> does.</summary>
    public LayerBuilder Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        return File(path[..(slash + 1)] + ".wh." + path[(slash + 1)..], string.Empty);
    }

    /// <summary>Hides everything the layers below put in a directory.</summary>
    public LayerBuilder Opaque(string directory) => File(directory + "/.wh..wh..opq", string.Empty);

    public byte[] ToArray()
    {
        _writer.Dispose();
        return _tar.ToArray();
    }

    /// <summary>Makes the file-system view of an image whose layers are these, bottom first.</summary>
    public static ImageFileSystem View(params LayerBuilder[] layers)
    {
        var blobs = layers.Select(layer => layer.ToArray()).ToList();
        var described = blobs
            .Select((tar, i) => new ImageLayer("test-image", i, new Descriptor
            {
                MediaType = MediaTypes.OciLayer,
                Digest = Digest.Compute(tar),
                Size = tar.Length,
            }, Digest.Compute(tar)))
            .ToList();
        return new ImageFileSystem(described, (layer, _) =>
            Task.FromResult(LayerReader.Open(new MemoryStream(blobs[layer.Index]), layer)));
    }
}
