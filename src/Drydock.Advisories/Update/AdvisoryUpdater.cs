using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Drydock.Advisories.Import;
using Drydock.Advisories.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Advisories.Update;

/// <summary>
/// Downloads feed files with conditional requests (If-None-Match with the stored ETag,
/// If-Modified-Since with the stored Last-Modified) and re-imports them when any changed.
/// Every feed file is imported together, so the sources they make are replaced whole.
/// </summary>
public sealed partial class AdvisoryUpdater(
    AdvisoryStore store, HttpClient http, string downloadFolder, ILogger? logger = null, TimeProvider? clock = null)
{
    /// <summary>The largest feed file downloaded; Debian's OSV export, the largest, is ~60 MB zipped (2025).</summary>
    public const long MaxDownloadBytes = 2L << 30;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Downloads what changed and re-imports the feeds.</summary>
    /// <exception cref="HttpRequestException">A download failed; the store is unchanged.</exception>
    public async Task<UpdateResult> UpdateAsync(
        IReadOnlyList<FeedDefinition> feeds, CancellationToken cancellationToken = default)
    {
        var changed = new List<FeedDefinition>();
        var downloads = new List<(FeedDefinition Feed, string? ETag, string? LastModified)>();
        foreach (var feed in feeds)
        {
            var local = LocalPath(feed);
            var validators = File.Exists(local) ? ReadValidators(feed.Url) : (null, null);
            var outcome = await DownloadAsync(feed, local, validators, cancellationToken);
            if (outcome is { } fresh)
            {
                changed.Add(feed);
                downloads.Add((feed, fresh.ETag, fresh.LastModified));
            }
        }

        if (changed.Count == 0)
        {
            LogUnchanged(feeds.Count);
            return new UpdateResult([], null);
        }

        var importer = new AdvisoryImporter(store, _logger, _clock);
        var result = importer.Import(feeds.Select(LocalPath).Where(File.Exists), cancellationToken);
        foreach (var (feed, etag, lastModified) in downloads)
        {
            WriteValidators(feed.Url, etag, lastModified);
        }

        return new UpdateResult(changed, result);
    }

    private async Task<(string? ETag, string? LastModified)?> DownloadAsync(
        FeedDefinition feed,
        string local,
        (string? ETag, string? LastModified) validators,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, feed.Url);
        if (validators.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        if (validators.LastModified is { } lastModified
            && DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
        {
            request.Headers.IfModifiedSince = since;
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            LogNotModified(feed.Url);
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"Downloading the feed '{feed.Url}' failed with HTTP {(int)response.StatusCode} "
                + $"{response.ReasonPhrase}. Check the URL in the feed list or try again later.",
                null,
                response.StatusCode);
        }

        await SaveAsync(feed, response, local, cancellationToken);
        LogDownloaded(feed.Url, local);
        return (response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
    }

    // Written to a temporary file and renamed, so an interrupted download never replaces the
    // previous copy.
    private static async Task SaveAsync(
        FeedDefinition feed, HttpResponseMessage response, string local, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var temporary = $"{local}.{Guid.NewGuid():N}.part";
        try
        {
            await using (var output = File.Create(temporary))
            await using (var input = await response.Content.ReadAsStreamAsync(cancellationToken))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > MaxDownloadBytes)
                    {
                        throw new InvalidDataException(
                            $"The feed '{feed.Url}' is larger than {MaxDownloadBytes} bytes. Check the URL in the feed list.");
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            File.Move(temporary, local, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private string LocalPath(FeedDefinition feed) => Path.Combine(downloadFolder, feed.FileName);

    private (string? ETag, string? LastModified) ReadValidators(Uri url)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT etag, last_modified FROM downloads WHERE url = $url";
        command.Parameters.AddWithValue("$url", url.ToString());
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : (null, null);
    }

    private void WriteValidators(Uri url, string? etag, string? lastModified)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "INSERT INTO downloads (url, etag, last_modified, fetched_at) "
            + "VALUES ($url, $etag, $modified, $now) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
            + "last_modified = excluded.last_modified, fetched_at = excluded.fetched_at";
        command.Parameters.AddWithValue("$url", url.ToString());
        command.Parameters.AddWithValue("$etag", (object?)etag ?? DBNull.Value);
        command.Parameters.AddWithValue("$modified", (object?)lastModified ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", _clock.GetUtcNow().ToString("O"));
        command.ExecuteNonQuery();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed {Url} not modified")]
    private partial void LogNotModified(Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded feed {Url} to {Path}")]
    private partial void LogDownloaded(Uri url, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} feeds unchanged; nothing to import")]
    private partial void LogUnchanged(int count);
}

/// <summary>What an update downloaded, and the import it ran (null when nothing changed).</summary>
public sealed record UpdateResult(IReadOnlyList<FeedDefinition> Changed, ImportResult? Import);
