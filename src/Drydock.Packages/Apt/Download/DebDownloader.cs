using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Drydock.Packages.Apt.Indexes;

namespace Drydock.Packages.Apt.Download;

/// <summary>Progress of a batch of .deb downloads, in bytes over the whole batch.</summary>
public readonly record struct DownloadProgress(string Package, long BytesDone, long BytesTotal);

/// <summary>
/// Downloads .deb files into a content-addressed cache, <c>debs/sha256/HEX</c> under the cache
/// directory the caller gives (Drydock's, as <c>Drydock.Oci.Cache.CacheDirectory</c> resolves it),
/// checking each against the SHA256 and size its signed Packages stanza states. A cached file is
/// re-hashed before use, and a download is written to a temporary name and renamed only once its
/// hash matches.
/// </summary>
public sealed class DebDownloader
{
    private readonly AptFetcher _fetcher;
    private readonly int _parallel;

    public DebDownloader(HttpClient http, string cacheRoot, int maxParallel = 4)
    {
        _fetcher = new AptFetcher(http);
        _parallel = Math.Max(1, maxParallel);
        CacheDirectory = Path.Combine(cacheRoot, "debs", "sha256");
    }

    /// <summary>The directory holding the cached .deb files, named by SHA256.</summary>
    public string CacheDirectory { get; }

    /// <summary>
    /// Downloads the .deb of each record from its release's archive root and returns the
    /// cached paths in the same order.
    /// </summary>
    /// <exception cref="AptHashMismatchException">A download does not match its Packages stanza.</exception>
    public async Task<IReadOnlyList<string>> DownloadAsync(
        IReadOnlyList<PackageRecord> packages,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(CacheDirectory);
        var total = packages.Sum(p => p.Size);
        long done = 0;
        var results = new string[packages.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, packages.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _parallel, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var record = packages[index];
                var root = record.Release?.ArchiveRoot ?? throw new ArgumentException(
                    $"The record '{record}' does not come from a repository, so it has nothing to download.", nameof(packages));
                results[index] = await FetchOneAsync(record, root, token);
                progress?.Report(new DownloadProgress(record.Name, Interlocked.Add(ref done, record.Size), total));
            });
        return results;
    }

    private async Task<string> FetchOneAsync(PackageRecord record, Uri archiveRoot, CancellationToken cancellationToken)
    {
        if (record.Sha256 is not { Length: 64 } expected || record.Filename is null)
        {
            throw new InvalidDataException(
                $"The Packages stanza of '{record}' has no SHA256 or Filename, so its .deb cannot be verified.");
        }

        expected = expected.ToLowerInvariant();
        var path = Path.Combine(CacheDirectory, expected);
        if (File.Exists(path) && await HashFileAsync(path, cancellationToken) == expected)
        {
            return path;
        }

        var uri = new Uri(archiveRoot, EscapePoolPath(record.Filename));
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            string? actual;
            long length;
            await using (var body = await _fetcher.OpenAsync(uri, cancellationToken))
            await using (var file = File.Create(temporary))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                length = await CopyHashingAsync(body, file, hash, record.Size, cancellationToken);
                actual = length > record.Size ? null : Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (actual != expected || length != record.Size)
            {
                throw Mismatch(record, uri, expected, actual, length);
            }

            File.Move(temporary, path, overwrite: true);
            return path;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    // Stops reading as soon as the body exceeds the stated size, so an endless body cannot fill
    // the disk. A returned length above the size means that the hash covers only part of the body.
    private static async Task<long> CopyHashingAsync(
        Stream body, Stream file, IncrementalHash hash, long size, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        long length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            length += read;
            if (length > size)
            {
                return length;
            }

            hash.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return length;
    }

    // Names the package by name, version and URL, because its cache path means nothing to the user.
    private static AptHashMismatchException Mismatch(
        PackageRecord record, Uri uri, string expected, string? actual, long length)
    {
        var package = $"The package '{record.Name}' version '{record.Version}' ({record.Architecture}) at '{uri}'";
        var retry = "The mirror may be syncing, so retry later.";
        return actual is null
            ? new AptHashMismatchException(
                uri.ToString(), expected, null,
                $"{package} is larger than the {record.Size} bytes its Packages stanza states, so the "
                + $"download was stopped after {length} bytes. {retry}")
            : new AptHashMismatchException(
                uri.ToString(), expected, actual,
                $"{package} has SHA256 '{actual}' ({length} bytes), but its Packages stanza states "
                + $"'{expected}' ({record.Size} bytes). {retry}");
    }

    /// <summary>
    /// Percent-encodes a Packages <c>Filename</c> for a URI, because the field is a file path.
    /// apt 2.6.1 encodes '%', '+', '~', spaces and non-ASCII bytes of it before sending
    /// (pkgAcquire::URIEncode, called from methods/http.cc), so <c>zlib1g_1%3a1.2.13.deb</c>, as
    /// <c>apt-get download</c> names files, is that literal name and not <c>zlib1g_1:1.2.13.deb</c>.
    /// Here everything but letters, digits, '-', '.', '_' and '/' is encoded, so a ':' cannot
    /// read as a scheme and a '?' or '#' cannot start a query or fragment.
    /// </summary>
    internal static string EscapePoolPath(string filename)
    {
        var escaped = new StringBuilder(filename.Length);
        foreach (var b in Encoding.UTF8.GetBytes(filename))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '/')
            {
                escaped.Append(c);
            }
            else
            {
                escaped.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }

        return escaped.ToString();
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
