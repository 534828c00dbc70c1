using System.Text.Json.Serialization;

namespace Drydock.Oci.DockerArchives;

/// <summary>
/// One image in the manifest.json of a <c>docker save</c> archive (moby image/tarexport,
/// "manifestItem"): paths inside the archive of its config and layer tars, and its tags.
/// </summary>
internal sealed record DockerArchiveManifest
{
    [JsonPropertyName("Config")]
    public required string Config { get; init; }

    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string>? RepoTags { get; init; }

    [JsonPropertyName("Layers")]
    public required IReadOnlyList<string> Layers { get; init; }
}
