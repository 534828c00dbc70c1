using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Drydock.Oci.Registry;

/// <summary>
/// The one place where a registry or token server response that is not a success becomes a
/// <see cref="RegistryException"/>.
/// </summary>
internal static class RegistryResponses
{
    // Error bodies are short JSON documents; more than this is not worth reading.
    private const int MaxErrorBodySize = 64 * 1024;

    // Query parameters whose values carry no secret and help to read an error.
    private static readonly HashSet<string> _safeQueryKeys =
        new(StringComparer.OrdinalIgnoreCase) { "digest", "n", "last", "scope", "service", "mount", "from" };

    /// <summary>Returns when the response is a success, or the status is in <paramref name="accepted"/>.</summary>
    public static async Task EnsureSuccessAsync(
        HttpResponseMessage response, CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        if (response.IsSuccessStatusCode || accepted.Contains(response.StatusCode))
        {
            return;
        }

        throw await CreateExceptionAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<RegistryException> CreateExceptionAsync(
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var request = response.RequestMessage;
        var errors = await ReadErrorsAsync(response, cancellationToken).ConfigureAwait(false);
        return new RegistryException(
            request?.Method.Method ?? "?",
            request?.RequestUri is { } uri ? Redact(uri) : "?",
            response.StatusCode,
            errors,
            RetryAfter(response));
    }

    /// <summary>
    /// Removes user information and every query value except the safe ones listed above:
    /// upload locations and blob redirects carry signed state and tokens in the query.
    /// </summary>
    public static string Redact(Uri uri)
    {
        var builder = new StringBuilder();
        builder.Append(uri.Scheme).Append("://").Append(uri.Authority).Append(uri.AbsolutePath);
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return builder.ToString();
        }

        var parts = query.Split('&').Select(pair =>
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals >= 0 ? pair[..equals] : pair;
            return _safeQueryKeys.Contains(Uri.UnescapeDataString(key)) ? pair : key + "=REDACTED";
        });
        return builder.Append('?').Append(string.Join('&', parts)).ToString();
    }

    /// <summary>Reads <c>Retry-After</c> as delta-seconds or an HTTP-date (RFC 9110 section 10.2.3).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        // HttpClient drops a Retry-After it cannot parse; a raw integer may still be there.
        if (response.Headers.TryGetValues("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }

    private static async Task<IReadOnlyList<RegistryError>> ReadErrorsAsync(
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            body = await ReadPrefixAsync(stream, MaxErrorBodySize, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return [];
        }
        catch (IOException)
        {
            return [];
        }

        return ParseErrors(body);
    }

    internal static IReadOnlyList<RegistryError> ParseErrors(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("errors", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return list.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object)
                .Select(e => new RegistryError(Text(e, "code"), Text(e, "message")))
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : string.Empty;

    private static async Task<byte[]> ReadPrefixAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[limit];
        var total = 0;
        int read;
        while (total < limit
            && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return buffer[..total];
    }
}
