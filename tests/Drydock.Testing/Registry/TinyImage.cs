using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Drydock.Testing.Registry;

/// <summary>
/// A small image made by hand as an OCI image layout directory (OCI image spec v1.1,
/// image-layout.md): per platform one gzip tar layer holding <c>/hello.txt</c>, a config and a
/// manifest; for several platforms an image index over them. skopeo reads it as
/// <c>oci:DIR:TAG</c>, so tests can push it with a tool other than Drydock.
/// </summary>
public sealed class TinyImage
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string IndexType = "application/vnd.oci.image.index.v1+json";

    private TinyImage(string directory, string tag, string rootDigest, IReadOnlyList<string> manifestDigests,
        IReadOnlyList<string> layerDigests)
    {
        Directory = directory;
        Tag = tag;
        RootDigest = rootDigest;
        ManifestDigests = manifestDigests;
        LayerDigests = layerDigests;
    }

    public string Directory { get; }

    public string Tag { get; }

    /// <summary>The digest of the manifest, or of the index when there are several platforms.</summary>
    public string RootDigest { get; }

    /// <summary>The per-platform manifest digests, in the order of the platforms given.</summary>
    public IReadOnlyList<string> ManifestDigests { get; }

    /// <summary>The layer digests, one per platform, in the same order.</summary>
    public IReadOnlyList<string> LayerDigests { get; }

    /// <summary>The location skopeo reads it from, <c>oci:DIR:TAG</c>.</summary>
    public string SkopeoLocation => $"oci:{Directory}:{Tag}";

    /// <summary>Writes the image under <paramref name="directory"/>.</summary>
    /// <param name="directory">An empty or missing directory.</param>
    /// <param name="tag">The tag recorded in index.json.</param>
    /// <param name="platforms">Platforms as <c>os/architecture</c>, for example <c>linux/amd64</c>.</param>
    /// <param name="layerSize">Bytes of random content in each layer, so tests can move large blobs.</param>
    public static TinyImage Create(string directory, string tag, IReadOnlyList<string> platforms, int layerSize = 0)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        System.IO.Directory.CreateDirectory(blobs);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");

        var manifests = new List<(string Digest, long Size, string Os, string Architecture)>();
        var layers = new List<string>();
        foreach (var platform in platforms)
        {
            var (os, architecture) = (platform.Split('/')[0], platform.Split('/')[1]);
            var (layer, diffId) = Layer($"hello from {platform}\n", layerSize);
            var layerDigest = WriteBlob(blobs, layer);
            layers.Add(layerDigest);
            var config = Json(new JsonObject
            {
                ["architecture"] = architecture,
                ["os"] = os,
                ["config"] = new JsonObject { ["Cmd"] = new JsonArray("/bin/sh") },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) },
                ["history"] = new JsonArray(new JsonObject { ["created_by"] = "tiny image " + platform }),
            });
            var configDigest = WriteBlob(blobs, config);
            var manifest = Json(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = ManifestType,
                ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.Length),
                ["layers"] = new JsonArray(
                    Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest, layer.Length)),
            });
            manifests.Add((WriteBlob(blobs, manifest), manifest.Length, os, architecture));
        }

        JsonObject root;
        if (manifests.Count == 1)
        {
            root = Descriptor(ManifestType, manifests[0].Digest, manifests[0].Size);
        }
        else
        {
            var entries = manifests.Select(m =>
            {
                var entry = Descriptor(ManifestType, m.Digest, m.Size);
                entry["platform"] = new JsonObject { ["architecture"] = m.Architecture, ["os"] = m.Os };
                return (JsonNode)entry;
            });
            var index = Json(new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = IndexType,
                ["manifests"] = new JsonArray(entries.ToArray()),
            });
            root = Descriptor(IndexType, WriteBlob(blobs, index), index.Length);
        }

        var rootDigest = (string)root["digest"]!;
        root["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag };
        var layout = new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray(root) };
        File.WriteAllBytes(Path.Combine(directory, "index.json"), Json(layout));
        return new TinyImage(directory, tag, rootDigest, manifests.Select(m => m.Digest).ToList(), layers);
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };

    private static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static (byte[] Compressed, string DiffId) Layer(string text, int randomSize)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            AddFile(writer, "hello.txt", Encoding.UTF8.GetBytes(text));
            if (randomSize > 0)
            {
                AddFile(writer, "random.bin", RandomNumberGenerator.GetBytes(randomSize));
            }
        }

        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar.ToArray()));
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        return (compressed.ToArray(), diffId);
    }

    private static void AddFile(TarWriter writer, string name, byte[] content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(content),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = DateTimeOffset.UnixEpoch,
        };
        writer.WriteEntry(entry);
    }

    private static string WriteBlob(string blobs, byte[] content)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        File.WriteAllBytes(Path.Combine(blobs, hex), content);
        return "sha256:" + hex;
    }
}
