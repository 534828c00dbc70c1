using System.Text.Encodings.Web;
using System.Text.Json;

namespace Drydock.Cli;

/// <summary>How the commands write JSON for people and scripts to read.</summary>
internal static class JsonOutput
{
    /// <summary>
    /// Indented, with characters such as '+' and '→' written as they are: versions like
    /// 1.5.4+dfsg2-5 stay greppable, and the text is still valid JSON.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
