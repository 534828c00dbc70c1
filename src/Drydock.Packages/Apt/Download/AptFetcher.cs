using System.Net;

namespace Drydock.Packages.Apt.Download;

/// <summary>
/// Fetches repository files over http(s) or from file: URIs. Transient failures (network
/// errors, 5xx, 429) are retried with a growing delay; 404 is returned as null so callers
/// can fall back (InRelease to Release). Every response is read with a size limit.
/// </summary>
internal sealed class AptFetcher
{
    private static readonly TimeSpan[] _retryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    private readonly HttpClient _http;

    public AptFetcher(HttpClient http)
    {
        _http = http;
    }

    /// <summary>Reads a whole file, or returns null when the server (or directory) does not have it.</summary>
    public async Task<byte[]?> GetBytesAsync(Uri uri, long maxBytes, CancellationToken cancellationToken)
    {
        if (uri.IsFile)
        {
            return ReadLocal(uri, maxBytes);
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }

                if (IsTransient(response.StatusCode) && attempt < _retryDelays.Length)
                {
                    await Task.Delay(_retryDelays[attempt], cancellationToken);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new IOException(
                        $"GET '{uri}' failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}. Check the repository URI.");
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                return await ReadLimitedAsync(body, maxBytes, uri, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < _retryDelays.Length)
            {
                await Task.Delay(_retryDelays[attempt], cancellationToken);
            }
            catch (HttpRequestException error)
            {
                throw new IOException($"GET '{uri}' failed after {attempt + 1} attempts: {error.Message}", error);
            }
        }
    }

    /// <summary>Opens a response body as a stream for large files such as .deb archives.</summary>
    public async Task<Stream> OpenAsync(Uri uri, CancellationToken cancellationToken)
    {
        if (uri.IsFile)
        {
            return File.Exists(uri.LocalPath)
                ? File.OpenRead(uri.LocalPath)
                : throw new FileNotFoundException($"The file '{uri.LocalPath}' does not exist.", uri.LocalPath);
        }

        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (IsTransient(response.StatusCode) && attempt < _retryDelays.Length)
                {
                    response.Dispose();
                    await Task.Delay(_retryDelays[attempt], cancellationToken);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new IOException($"GET '{uri}' failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                return await response.Content.ReadAsStreamAsync(cancellationToken);
            }
            catch (HttpRequestException) when (attempt < _retryDelays.Length)
            {
                response?.Dispose();
                await Task.Delay(_retryDelays[attempt], cancellationToken);
            }
            catch (HttpRequestException error)
            {
                throw new IOException($"GET '{uri}' failed after {attempt + 1} attempts: {error.Message}", error);
            }
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status == HttpStatusCode.TooManyRequests || status == HttpStatusCode.RequestTimeout;

    private static byte[]? ReadLocal(Uri uri, long maxBytes)
    {
        var info = new FileInfo(uri.LocalPath);
        if (!info.Exists)
        {
            return null;
        }

        if (info.Length > maxBytes)
        {
            throw new InvalidDataException($"The file '{uri}' is {info.Length} bytes, more than the limit of {maxBytes}.");
        }

        return File.ReadAllBytes(info.FullName);
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, long maxBytes, Uri uri, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidDataException($"The response for '{uri}' is larger than the limit of {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
