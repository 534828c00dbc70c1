using System.Text.Json.Nodes;
using Drydock.Oci.Model;

namespace Drydock.Oci.Writing;

/// <summary>
/// Builds image configs (OCI image spec v1.1, config.md). Configs derived from an existing one
/// go through <see cref="JsonNode"/>, so fields Drydock does not model survive unchanged.
/// </summary>
public static class ConfigBuilder
{
    /// <summary>Creates a config for a new image with no layers yet.</summary>
    public static byte[] Create(Platform platform, DateTimeOffset created, ContainerConfig? container = null)
    {
        var config = new ImageConfig
        {
            Created = SourceDateEpoch.Resolve(created),
            Architecture = platform.Architecture,
            Os = platform.Os,
            Variant = platform.Variant,
            Config = container ?? new ContainerConfig(),
            RootFs = new RootFs(),
            History = [],
        };
        return OciJson.Serialize(config);
    }

    /// <summary>
    /// Returns <paramref name="config"/> with a layer appended to <c>rootfs.diff_ids</c> and a
    /// history entry recording the step that made it.
    /// </summary>
    public static byte[] AppendLayer(ReadOnlySpan<byte> config, Digest diffId, string createdBy, DateTimeOffset created,
        string? comment = null)
    {
        var root = Parse(config);
        var rootFs = root["rootfs"] as JsonObject ?? new JsonObject { ["type"] = "layers" };
        root["rootfs"] = rootFs;
        var diffIds = rootFs["diff_ids"] as JsonArray ?? [];
        rootFs["diff_ids"] = diffIds;
        diffIds.Add(diffId.ToString());

        var when = SourceDateEpoch.Resolve(created);
        var step = new JsonObject { ["created"] = when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), ["created_by"] = createdBy };
        if (comment is not null)
        {
            step["comment"] = comment;
        }

        var history = root["history"] as JsonArray ?? [];
        root["history"] = history;
        history.Add(step);
        root["created"] = step["created"]!.DeepClone();
        return OciJson.Serialize(root);
    }

    private static JsonObject Parse(ReadOnlySpan<byte> config)
    {
        try
        {
            return JsonNode.Parse(config) as JsonObject
                ?? throw new InvalidDataException("The image config is not a JSON object.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"The image config is malformed: {e.Message}", e);
        }
    }
}
