using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drydock.Oci.Model;

/// <summary>Reads and writes <see cref="Digest"/> values as their string form, rejecting invalid ones.</summary>
internal sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (!Digest.TryParse(text, out var digest))
        {
            throw new JsonException($"Invalid digest '{text}'.");
        }

        return digest;
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
