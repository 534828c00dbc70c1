using System.Text.Json;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Oci.Layers;

/// <summary>
/// One single-platform image of a source: its manifest, its config and its layers with their
/// diff_ids, ready for the file-system view or for unpacking.
/// </summary>
public sealed class ResolvedImage
{
    /// <summary>Configs larger than this are rejected (8 MiB; real ones are a few kilobytes).</summary>
    public const int MaxConfigSize = 8 * 1024 * 1024;

    private ResolvedImage(IImageSource source, RawManifest manifest, ImageManifest parsed, byte[] configBytes,
        ImageConfig config, IReadOnlyList<ImageLayer> layers)
    {
        Source = source;
        Manifest = manifest;
        ParsedManifest = parsed;
        ConfigBytes = configBytes;
        Config = config;
        Layers = layers;
    }

    public IImageSource Source { get; }

    public RawManifest Manifest { get; }

    public ImageManifest ParsedManifest { get; }

    /// <summary>The config exactly as stored, verified against its descriptor.</summary>
    public byte[] ConfigBytes { get; }

    public ImageConfig Config { get; }

    /// <summary>The layers from the bottom one up.</summary>
    public IReadOnlyList<ImageLayer> Layers { get; }

    /// <summary>
    /// Fetches the manifest the source names, choosing the platform's manifest when it is an
    /// index (the host's platform when none is given), then the config.
    /// </summary>
    public static async Task<ResolvedImage> LoadAsync(IImageSource source, Platform? platform,
        CancellationToken cancellationToken)
    {
        var manifest = await source.GetManifestAsync(cancellationToken).ConfigureAwait(false);
        if (manifest.IsIndex)
        {
            var descriptor = SelectPlatform(source.Name, manifest.ParseIndex(), platform ?? Platform.Host);
            manifest = await source.GetManifestAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }

        return await ResolveAsync(source, manifest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fetches one child of the source's index by its descriptor, then its config. Unlike a
    /// choice by platform this distinguishes children that share a platform.
    /// </summary>
    public static async Task<ResolvedImage> LoadChildAsync(IImageSource source, Descriptor child,
        CancellationToken cancellationToken)
    {
        var manifest = await source.GetManifestAsync(child, cancellationToken).ConfigureAwait(false);
        return await ResolveAsync(source, manifest, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ResolvedImage> ResolveAsync(IImageSource source, RawManifest manifest,
        CancellationToken cancellationToken)
    {
        if (!MediaTypes.IsManifest(manifest.MediaType))
        {
            throw new InvalidDataException(
                $"Image '{source.Name}' has a manifest of media type '{manifest.MediaType}', which is not an "
                + "image manifest. Drydock reads OCI and Docker schema 2 images only.");
        }

        var parsed = manifest.ParseManifest();
        var configBytes = await ReadConfigAsync(source, parsed.Config, cancellationToken).ConfigureAwait(false);
        var config = ParseConfig(source.Name, parsed.Config, configBytes);
        var diffIds = config.RootFs?.DiffIds ?? [];
        if (diffIds.Count != parsed.Layers.Count)
        {
            throw new InvalidDataException(
                $"Image '{source.Name}' lists {parsed.Layers.Count} layers in its manifest but "
                + $"{diffIds.Count} diff_ids in its config '{parsed.Config.Digest}'. The image is corrupt.");
        }

        var layers = parsed.Layers
            .Select((layer, i) => new ImageLayer(source.Name, i, layer, ParseDiffId(source.Name, diffIds[i])))
            .ToList();
        return new ResolvedImage(source, manifest, parsed, configBytes, config, layers);
    }

    /// <summary>Opens a layer blob as a checked reader.</summary>
    public async Task<LayerReader> OpenLayerAsync(ImageLayer layer, LayerLimits? limits,
        CancellationToken cancellationToken)
    {
        var blob = await Source.OpenBlobAsync(layer.Descriptor, cancellationToken).ConfigureAwait(false);
        return LayerReader.Open(blob, layer, limits, blobVerified: true);
    }

    private static Descriptor SelectPlatform(string name, ImageIndex index, Platform platform)
    {
        var match = index.Manifests.FirstOrDefault(m => m.Platform is { } p && platform.Accepts(p));
        if (match is not null)
        {
            return match;
        }

        var available = string.Join(", ", index.Manifests.Select(m => $"'{m.Platform}'"));
        throw new InvalidDataException(
            $"Image '{name}' has no manifest for platform '{platform}'. Available: {available}. "
            + "Choose one of them with --platform.");
    }

    private static async Task<byte[]> ReadConfigAsync(IImageSource source, Descriptor descriptor,
        CancellationToken cancellationToken)
    {
        if (descriptor.Size > MaxConfigSize)
        {
            throw new InvalidDataException(
                $"Config '{descriptor.Digest}' of image '{source.Name}' is {descriptor.Size} bytes, over the "
                + $"limit of {MaxConfigSize} bytes.");
        }

        var stream = await source.OpenBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream((int)descriptor.Size);
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            var bytes = buffer.ToArray();
            if (bytes.Length != descriptor.Size || Digest.Compute(bytes) != descriptor.Digest)
            {
                throw new DigestMismatchException(
                    $"Config of image '{source.Name}' does not match its descriptor '{descriptor.Digest}'. "
                    + "The source is corrupt; fetch it again.");
            }

            return bytes;
        }
    }

    private static ImageConfig ParseConfig(string name, Descriptor descriptor, byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<ImageConfig>(bytes, OciJson.Options)
                ?? throw new InvalidDataException($"Config '{descriptor.Digest}' of image '{name}' is JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"Config '{descriptor.Digest}' of image '{name}' is malformed: {e.Message}", e);
        }
    }

    private static Digest ParseDiffId(string name, string value) =>
        Digest.TryParse(value, out var digest)
            ? digest
            : throw new InvalidDataException($"Image '{name}' has an invalid diff_id '{value}' in its config.");
}
