using System.Text.Encodings.Web;
using System.Text.Json;

namespace Drydock.Oci.Model;

/// <summary>
/// JSON settings for OCI documents. Output is compact and stable so that the same model
/// always gives the same bytes and digest.
/// </summary>
public static class OciJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = false,
        // Keep '+' and '<' literal as Go's encoding/json would escape them differently;
        // relaxed escaping writes media types such as "v1+json" unescaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    /// <summary>Serialises a model to compact UTF-8 JSON.</summary>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}
