using System.Text.Json;

namespace Drydock.Oci.Model;

/// <summary>
/// A manifest or index exactly as received, with its media type and digest. The bytes are
/// what gets re-sent, so copying never changes a digest by re-serialising.
/// </summary>
public sealed class RawManifest
{
    /// <summary>Manifests and indexes larger than this are rejected (4 MiB, the limit the
    /// OCI distribution spec v1.1 lets registries enforce and that containerd uses).</summary>
    public const int MaxSize = 4 * 1024 * 1024;

    public RawManifest(ReadOnlyMemory<byte> bytes, string mediaType)
    {
        if (bytes.Length > MaxSize)
        {
            throw new InvalidDataException(
                $"Manifest of {bytes.Length} bytes exceeds the {MaxSize}-byte limit.");
        }

        Bytes = bytes;
        MediaType = mediaType;
        Digest = Digest.Compute(bytes.Span);
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    public string MediaType { get; }

    public Digest Digest { get; }

    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>A descriptor of this manifest, for an index or a referrer.</summary>
    public Descriptor ToDescriptor(Platform? platform = null) =>
        new() { MediaType = MediaType, Digest = Digest, Size = Bytes.Length, Platform = platform };

    /// <summary>Parses the bytes as a single-image manifest.</summary>
    public ImageManifest ParseManifest() =>
        Deserialize<ImageManifest>("manifest");

    /// <summary>Parses the bytes as an image index or Docker manifest list.</summary>
    public ImageIndex ParseIndex() =>
        Deserialize<ImageIndex>("index");

    /// <summary>
    /// Determines the media type from the document itself when the transport gave none:
    /// the <c>mediaType</c> field, else an index when it has <c>manifests</c>.
    /// </summary>
    public static string SniffMediaType(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray());
            var root = document.RootElement;
            if (root.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind == JsonValueKind.String)
            {
                return mediaType.GetString()!;
            }

            return root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Manifest is not valid JSON: {e.Message}", e);
        }
    }

    private T Deserialize<T>(string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Bytes.Span, OciJson.Options)
                ?? throw new InvalidDataException($"The {what} {Digest} is JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The {what} {Digest} is malformed: {e.Message}", e);
        }
    }
}
