using System.Text;
using System.Text.Json.Nodes;
using Drydock.Oci;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;

namespace Drydock.Images.Patch;

/// <summary>
/// Edits the config and manifest of the patched image as JSON, so that fields Drydock does not
/// model survive: the patch layer's diff_id and one history entry are appended, the manifest
/// keeps its annotations (<c>org.opencontainers.image.base.*</c> included) and gains Drydock's.
/// </summary>
internal static class PatchedImageBuilder
{
    /// <summary>The manifest annotation naming the patch layer, by which a re-patch finds it.</summary>
    public const string LayerAnnotation = "dev.drydock.patch.layer";

    /// <summary>The manifest annotation with the digest of the image before any Drydock patch.</summary>
    public const string BaseDigestAnnotation = "dev.drydock.patch.base.digest";

    /// <summary>The manifest annotation listing the upgrades, as <c>name=version</c> separated by commas.</summary>
    public const string UpgradesAnnotation = "dev.drydock.patch.upgrades";

    /// <summary>The start of the history entry of a patch layer.</summary>
    public const string HistoryPrefix = "drydock patch:";


    /// <summary>Returns a value Drydock recorded: the manifest annotation, else the config label.</summary>
    public static string? RecordedValue(ResolvedImage image, string name) =>
        image.ParsedManifest.Annotations?.GetValueOrDefault(name)
        ?? JsonNode.Parse(image.ConfigBytes)?["config"]?["Labels"]?[name]?.GetValue<string>();

    /// <summary>Returns whether the top layer of an image is a previous Drydock patch layer.</summary>
    public static bool HasPatchLayer(ResolvedImage image)
    {
        var top = image.ParsedManifest.Layers.LastOrDefault();
        if (top is null)
        {
            return false;
        }

        if (RecordedValue(image, LayerAnnotation) == top.Digest.ToString())
        {
            return true;
        }

        var history = JsonNode.Parse(image.ConfigBytes)?["history"]?.AsArray();
        var last = history?.LastOrDefault(h => h?["empty_layer"]?.GetValue<bool>() != true);
        return last?["created_by"]?.GetValue<string>()?.StartsWith(HistoryPrefix, StringComparison.Ordinal) == true;
    }

    /// <summary>
    /// Builds the new config bytes: the base layers' diff_ids and history plus the patch layer,
    /// and, for a Docker schema 2 image, <paramref name="labels"/> added to the config's labels.
    /// </summary>
    public static byte[] BuildConfig(
        ResolvedImage image,
        bool dropTopLayer,
        PatchLayer layer,
        DateTimeOffset time,
        string createdBy,
        string? comment,
        IReadOnlyDictionary<string, string> labels)
    {
        var config = JsonNode.Parse(image.ConfigBytes)!.AsObject();

        // Docker schema 2 manifests have no annotations, so Drydock's go where `docker inspect`
        // shows them and every registry keeps them: the config's labels.
        if (MediaTypes.IsDocker(image.Manifest.MediaType))
        {
            var container = config["config"] as JsonObject ?? [];
            var existing = container["Labels"] as JsonObject ?? [];
            foreach (var (name, value) in labels)
            {
                existing[name] = value;
            }

            container["Labels"] = existing;
            config["config"] = container;
        }

        var diffIds = config["rootfs"]!["diff_ids"]!.AsArray();
        if (dropTopLayer)
        {
            diffIds.RemoveAt(diffIds.Count - 1);
        }

        diffIds.Add(layer.DiffId.ToString());
        var history = config["history"] as JsonArray ?? [];
        if (dropTopLayer)
        {
            var last = history.Select((h, i) => (h, i)).LastOrDefault(x => x.h?["empty_layer"]?.GetValue<bool>() != true);
            if (last.h is not null)
            {
                history.RemoveAt(last.i);
            }
        }

        var stamp = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var entry = new JsonObject { ["created"] = stamp, ["created_by"] = createdBy };
        if (comment is not null)
        {
            entry["comment"] = comment;
        }

        history.Add(entry);
        config["history"] = history;
        config["created"] = stamp;
        return Encoding.UTF8.GetBytes(config.ToJsonString(OciJson.Options));
    }

    /// <summary>Builds the new manifest over the base layers, the patch layer and the new config.</summary>
    public static RawManifest BuildManifest(
        ResolvedImage image,
        bool dropTopLayer,
        PatchLayer layer,
        Descriptor config,
        Digest baseDigest,
        string upgrades)
    {
        var manifest = JsonNode.Parse(image.Manifest.Bytes.Span)!.AsObject();
        var docker = MediaTypes.IsDocker(image.Manifest.MediaType);
        manifest["config"]!["digest"] = config.Digest.ToString();
        manifest["config"]!["size"] = config.Size;
        var layers = manifest["layers"]!.AsArray();
        if (dropTopLayer)
        {
            layers.RemoveAt(layers.Count - 1);
        }

        layers.Add(new JsonObject
        {
            ["mediaType"] = docker ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip,
            ["digest"] = layer.Digest.ToString(),
            ["size"] = layer.Size,
        });

        if (!docker)
        {
            var annotations = manifest["annotations"] as JsonObject ?? [];
            annotations[BaseDigestAnnotation] = baseDigest.ToString();
            annotations[LayerAnnotation] = layer.Digest.ToString();
            annotations[UpgradesAnnotation] = upgrades;
            manifest["annotations"] = annotations;
        }

        return new RawManifest(Encoding.UTF8.GetBytes(manifest.ToJsonString(OciJson.Options)), image.Manifest.MediaType);
    }
}
