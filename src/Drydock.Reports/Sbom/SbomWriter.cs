using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Drydock.Reports.Sbom;

/// <summary>Writes an SBOM document in one of the <see cref="SbomFormat"/> formats.</summary>
public static class SbomWriter
{
    /// <summary>Writes the document to a stream as UTF-8.</summary>
    public static void Write(SbomDocument document, SbomFormat format, Stream output)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(output);
        if (format == SbomFormat.Table)
        {
            using var text = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
            SbomTableWriter.Write(document, text);
            return;
        }

        using (var json = new Utf8JsonWriter(output, _jsonOptions))
        {
            switch (format)
            {
                case SbomFormat.Json:
                    DrydockJsonWriter.Write(document, json);
                    break;
                case SbomFormat.CycloneDx:
                    CycloneDxWriter.Write(document, json);
                    break;
                default:
                    SpdxWriter.Write(document, json);
                    break;
            }
        }

        output.WriteByte((byte)'\n');
    }

    /// <summary>Returns the document as text, for tests and small outputs.</summary>
    public static string WriteToString(SbomDocument document, SbomFormat format)
    {
        using var buffer = new MemoryStream();
        Write(document, format, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // Package text such as maintainer names is written as it is, not \u-escaped; the JSON stays
    // valid because the relaxed encoder still escapes quotes and control characters.
    private static readonly JsonWriterOptions _jsonOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
