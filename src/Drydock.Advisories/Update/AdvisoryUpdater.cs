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
/// Every feed file is imported together, so the sources they make are replaced whole. The
/// store records which URL each local feed file came from; validators are sent only for it.
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
    /// <exception cref="InvalidDataException">
    /// A downloaded feed is corrupt; the store, the previous feed files and their validators are unchanged.
    /// </exception>
    public async Task<UpdateResult> UpdateAsync(
        IReadOnlyList<FeedDefinition> feeds, CancellationToken cancellationToken = default)
    {
        // Downloads go to a staging folder under their own file names, because the importer
        // detects the format from the name. They replace the previous copies only after their
        // import commits, so a corrupt download never replaces a good file or its validators.
        var staging = Path.Combine(downloadFolder, $".staging-{Guid.NewGuid():N}");
        try
        {
            var downloads = new List<StagedDownload>();
            foreach (var feed in feeds)
            {
                var validators = ReadValidators(feed);
                var staged = Path.Combine(staging, feed.FileName);
                if (await DownloadAsync(feed, staged, validators, cancellationToken) is { } fresh)
                {
                    downloads.Add(new StagedDownload(feed, staged, fresh.ETag, fresh.LastModified));
                }
            }

            if (downloads.Count == 0)
            {
                LogUnchanged(feeds.Count);
                return new UpdateResult([], null);
            }

            var inputs = feeds
                .Select(feed => downloads.Find(d => d.Feed == feed)?.StagedPath ?? LocalPath(feed))
                .Where(File.Exists);
            var result = new AdvisoryImporter(store, _logger, _clock).Import(inputs, cancellationToken);
            foreach (var download in downloads)
            {
                var local = LocalPath(download.Feed);
                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                File.Move(download.StagedPath, local, overwrite: true);
                WriteValidators(download.Feed, download.ETag, download.LastModified);
            }

            return new UpdateResult([.. downloads.Select(d => d.Feed)], result);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private async Task<(string? ETag, string? LastModified)?> DownloadAsync(
        FeedDefinition feed,
        string target,
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

        await SaveAsync(feed, response, target, cancellationToken);
        LogDownloaded(feed.Url, target);
        return (response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
    }

    // Written to a temporary file and renamed, so an interrupted download leaves no file that
    // looks complete.
    private static async Task SaveAsync(
        FeedDefinition feed, HttpResponseMessage response, string target, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.{Guid.NewGuid():N}.part";
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

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private string LocalPath(FeedDefinition feed) => Path.GetFullPath(Path.Combine(downloadFolder, feed.FileName));

    // Returns the URL's validators only when the local file exists and came from that URL,
    // because after a URL change the file contains another URL's content and a 304 would keep it.
    private (string? ETag, string? LastModified) ReadValidators(FeedDefinition feed)
    {
        var local = LocalPath(feed);
        if (!File.Exists(local))
        {
            return (null, null);
        }

        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT d.etag, d.last_modified FROM feed_files f JOIN downloads d ON d.url = f.url "
            + "WHERE f.path = $path AND f.url = $url";
        command.Parameters.AddWithValue("$path", local);
        command.Parameters.AddWithValue("$url", feed.Url.ToString());
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : (null, null);
    }

    private void WriteValidators(FeedDefinition feed, string? etag, string? lastModified)
    {
        using var transaction = store.Connection.BeginTransaction();
        using var command = store.Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO downloads (url, etag, last_modified, fetched_at) "
            + "VALUES ($url, $etag, $modified, $now) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
            + "last_modified = excluded.last_modified, fetched_at = excluded.fetched_at; "
            + "INSERT INTO feed_files (path, url) VALUES ($path, $url) "
            + "ON CONFLICT (path) DO UPDATE SET url = excluded.url";
        command.Parameters.AddWithValue("$url", feed.Url.ToString());
        command.Parameters.AddWithValue("$etag", (object?)etag ?? DBNull.Value);
        command.Parameters.AddWithValue("$modified", (object?)lastModified ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", _clock.GetUtcNow().ToString("O"));
        command.Parameters.AddWithValue("$path", LocalPath(feed));
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed {Url} not modified")]
    private partial void LogNotModified(Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded feed {Url} to {Path}")]
    private partial void LogDownloaded(Uri url, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} feeds unchanged; nothing to import")]
    private partial void LogUnchanged(int count);
}

/// <summary>A feed downloaded to the staging folder, with the validators its response carried.</summary>
internal sealed record StagedDownload(FeedDefinition Feed, string StagedPath, string? ETag, string? LastModified);

/// <summary>What an update downloaded, and the import it ran (null when nothing changed).</summary>
public sealed record UpdateResult(IReadOnlyList<FeedDefinition> Changed, ImportResult? Import);
