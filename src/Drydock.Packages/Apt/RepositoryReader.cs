using System.IO.Compression;
using System.Security.Cryptography;
using Drydock.Packages.Apt.Download;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;
using Microsoft.Extensions.Logging;
using SharpCompress.Compressors.Xz;

namespace Drydock.Packages.Apt;

/// <summary>The verified Release and the Packages records of one source entry.</summary>
public sealed record LoadedSuite(AptSource Source, ReleaseFile Release, IReadOnlyList<PackageRecord> Packages, IReadOnlyList<string> Problems);

/// <summary>
/// Fetches one suite as apt-get update does. InRelease (else Release with Release.gpg) is
/// checked against the source's keys and validity dates. Then each Packages index the Release
/// lists is checked against its SHA256 before and after decompression. A repository that cannot
/// be read raises <see cref="IOException"/>, never <see cref="FileNotFoundException"/>, which
/// callers take to mean that the image or a local file is missing.
/// </summary>
internal sealed partial class RepositoryReader
{
    private const long MaxReleaseBytes = 64L << 20;
    private const long MaxIndexBytes = 512L << 20;

    // Compressed forms in the order apt prefers them (Acquire::CompressionTypes::Order).
    private static readonly string[] _indexForms = ["Packages.xz", "Packages.gz", "Packages"];

    private readonly AptFetcher _fetcher;
    private readonly AptOptions _options;
    private readonly ILogger _logger;

    public RepositoryReader(AptFetcher fetcher, AptOptions options, ILogger logger)
    {
        _fetcher = fetcher;
        _options = options;
        _logger = logger;
    }

    public async Task<LoadedSuite> LoadAsync(
        AptSource source, Keyring keys, IReadOnlyList<string> fingerprints, CancellationToken cancellationToken)
    {
        var (content, location) = await FetchReleaseAsync(source, keys, fingerprints, cancellationToken);
        var release = ReleaseFile.Parse(content, location);
        CheckDates(release, source, location);
        var architectures = source.Architectures.Count > 0 ? source.Architectures : [_options.Architecture];
        var records = new List<PackageRecord>();
        var problems = new List<string>();
        foreach (var component in source.IsFlat ? [""] : source.Components)
        {
            foreach (var architecture in architectures)
            {
                var prefix = source.IsFlat ? "" : $"{component}/binary-{architecture}/";
                var info = ReleaseInfoFor(release, source, component);
                var index = await LoadIndexAsync(source, release, prefix, info, cancellationToken);
                if (index is not null)
                {
                    records.AddRange(index.Records);
                    problems.AddRange(index.Problems);
                }
            }
        }

        return new LoadedSuite(source, release, records, problems);
    }

    private async Task<(byte[] Content, string Location)> FetchReleaseAsync(
        AptSource source, Keyring keys, IReadOnlyList<string> fingerprints, CancellationToken cancellationToken)
    {
        var policy = new TrustPolicy(_options.Now ?? DateTimeOffset.UtcNow, fingerprints);
        var skipSignature = source.Trusted || _options.AllowUnsigned;
        var inReleaseUri = source.SuiteFileUri("InRelease");
        if (await _fetcher.GetBytesAsync(inReleaseUri, MaxReleaseBytes, cancellationToken) is { } inRelease)
        {
            var location = inReleaseUri.ToString();
            return skipSignature && !IsVerifiable(inRelease, keys, policy, location)
                ? (SignatureVerifier.ExtractClearSigned(inRelease, location), location)
                : (SignatureVerifier.VerifyClearSigned(inRelease, keys, policy, location), location);
        }

        var releaseUri = source.SuiteFileUri("Release");
        var release = await _fetcher.GetBytesAsync(releaseUri, MaxReleaseBytes, cancellationToken)
            ?? throw new IOException(
                $"The repository '{source}' has neither InRelease nor Release at '{source.SuiteFileUri("")}'. "
                + "Check the URI and suite.");
        var signature = await _fetcher.GetBytesAsync(source.SuiteFileUri("Release.gpg"), MaxReleaseBytes, cancellationToken);
        if (signature is null)
        {
            if (!skipSignature)
            {
                throw new AptSignatureException(
                    releaseUri.ToString(), [],
                    $"The repository file '{releaseUri}' is not signed (no InRelease or Release.gpg). " +
                    "Use a signed repository, or allow unsigned repositories explicitly.");
            }
        }
        else if (!skipSignature || IsVerifiableDetached(release, signature, keys, policy, releaseUri.ToString()))
        {
            SignatureVerifier.VerifyDetached(release, signature, keys, policy, releaseUri.ToString());
        }

        return (release, releaseUri.ToString());
    }

    // With signature checks turned off a signature is still checked when it verifies, so the
    // log shows which sources were actually unverified.
    private bool IsVerifiable(byte[] inRelease, Keyring keys, TrustPolicy policy, string location)
    {
        try
        {
            SignatureVerifier.VerifyClearSigned(inRelease, keys, policy, location);
            return true;
        }
        catch (AptSignatureException error)
        {
            LogUnverified(location, error.Message);
            return false;
        }
    }

    private bool IsVerifiableDetached(byte[] release, byte[] signature, Keyring keys, TrustPolicy policy, string location)
    {
        try
        {
            SignatureVerifier.VerifyDetached(release, signature, keys, policy, location);
            return true;
        }
        catch (AptSignatureException error)
        {
            LogUnverified(location, error.Message);
            return false;
        }
    }

    private void CheckDates(ReleaseFile release, AptSource source, string location)
    {
        var now = _options.Now ?? DateTimeOffset.UtcNow;
        if (_options.AllowExpiredRelease || !source.CheckValidUntil)
        {
            return;
        }

        if (release.ValidUntil is { } validUntil && validUntil < now)
        {
            throw new AptReleaseExpiredException(
                location, validUntil,
                $"The Release file '{location}' expired on {validUntil:u} (Valid-Until). Update the mirror, " +
                "or allow expired Release files for snapshot archives.");
        }

        if (release.Date is { } date && date - now > _options.MaxFutureTime)
        {
            throw new AptReleaseExpiredException(
                location, date,
                $"The Release file '{location}' is dated {date:u}, in the future. Check the system clock or the mirror.");
        }
    }

    // apt 2.6.1 (apt-pkg/acquire-item.cc) tries the forms the Release lists in its order, and
    // within a form the by-hash path before the file's own path. It moves on after a failed
    // fetch, but not after a hash mismatch, so a tampered file is never replaced by another form.
    // NOTE: Drydock moves on only after HTTP 404 or a missing local file. Any other HTTP error
    // fails the index at once.
    private async Task<ParsedIndex?> LoadIndexAsync(
        AptSource source, ReleaseFile release, string prefix, ReleaseInfo info, CancellationToken cancellationToken)
    {
        var entries = _indexForms
            .Select(form => release.Files.GetValueOrDefault(prefix + form))
            .OfType<ReleaseEntry>()
            .ToList();
        if (entries.Count == 0)
        {
            LogNoIndex(source.ToString(), prefix);
            return null;
        }

        var plainEntry = release.Files.GetValueOrDefault(prefix + "Packages");
        var tried = new List<string>();
        foreach (var entry in entries)
        {
            foreach (var uri in IndexUris(source, release, entry))
            {
                var location = uri.ToString();
                var data = await _fetcher.GetBytesAsync(uri, MaxIndexBytes, cancellationToken);
                if (data is not null)
                {
                    return ParseIndex(data, entry, plainEntry, location, info);
                }

                LogIndexNotFound(location);
                tried.Add($"'{location}'");
            }
        }

        throw new IOException(
            $"The index '{prefix}Packages' of '{source}' is missing on the server in every form its Release "
            + $"lists (HTTP 404 for {string.Join(", ", tried)}). The mirror may be incomplete or syncing, "
            + "so retry later or use another mirror.");
    }

    private static IEnumerable<Uri> IndexUris(AptSource source, ReleaseFile release, ReleaseEntry entry)
    {
        if (release.AcquireByHash)
        {
            var directory = Path.GetDirectoryName(entry.Path);
            yield return source.SuiteFileUri($"{directory}/by-hash/SHA256/{entry.Sha256}".TrimStart('/'));
        }

        yield return source.SuiteFileUri(entry.Path);
    }

    private ParsedIndex ParseIndex(
        byte[] data, ReleaseEntry entry, ReleaseEntry? plainEntry, string location, ReleaseInfo info)
    {
        CheckHash(data, entry, location);
        var plain = Decompress(data, entry.Path, location, _options.MaxIndexSize);
        if (!ReferenceEquals(plain, data) && plainEntry is not null)
        {
            CheckHash(plain, plainEntry, location + " (decompressed)");
        }

        return PackagesIndexParser.Parse(plain, location, info);
    }

    internal static void CheckHash(byte[] data, ReleaseEntry entry, string location)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(data));
        if (data.Length != entry.Size || actual != entry.Sha256)
        {
            throw new AptHashMismatchException(
                location, entry.Sha256, actual,
                $"The file '{location}' has SHA256 '{actual}' ({data.Length} bytes), but the signed Release " +
                $"lists '{entry.Sha256}' ({entry.Size} bytes). The mirror may be syncing; retry later.");
        }
    }

    private static byte[] Decompress(byte[] data, string path, string location, long maxBytes)
    {
        byte[]? plain;
        try
        {
            using var input = new MemoryStream(data);
            using Stream? decoder = path.EndsWith(".xz", StringComparison.Ordinal) ? new XZStream(input)
                : path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(input, CompressionMode.Decompress)
                : null;
            if (decoder is null)
            {
                return data;
            }

            plain = ReadLimited(decoder, maxBytes);
        }
        catch (Exception error) when (error is InvalidDataException or IOException or InvalidOperationException
            or IndexOutOfRangeException or ArgumentException || IsSharpCompressError(error))
        {
            throw new InvalidDataException($"The index '{location}' could not be decompressed: {error.Message}", error);
        }

        return plain ?? throw new InvalidDataException(
            $"The index '{location}' is larger than {maxBytes >> 20} MiB once decompressed, the limit for a "
            + "Packages index. The file is corrupt or not an index; check the repository.");
    }

    // Returns null when the stream contains more than maxBytes. The limit is checked while
    // reading, so a compression bomb is stopped after maxBytes, not after it has filled memory.
    private static byte[]? ReadLimited(Stream decoder, long maxBytes)
    {
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = decoder.Read(buffer)) > 0)
        {
            if (output.Length + read > maxBytes)
            {
                return null;
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    // SharpCompress reports corrupt xz data with internal exception types (DataErrorException).
    private static bool IsSharpCompressError(Exception error) =>
        error.GetType().Namespace?.StartsWith("SharpCompress", StringComparison.Ordinal) == true;

    private static ReleaseInfo ReleaseInfoFor(ReleaseFile release, AptSource source, string component) => new()
    {
        Origin = release.Origin,
        Label = release.Label,
        Suite = release.Suite,
        Codename = release.Codename,
        Version = release.Version,
        Component = component,
        Site = source.BaseUri.IsFile ? "" : source.BaseUri.Host,
        NotAutomatic = release.NotAutomatic,
        ButAutomaticUpgrades = release.ButAutomaticUpgrades,
        SourceSuite = source.Suite,
        ArchiveRoot = source.BaseUri,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Using {Location} without a valid signature: {Reason}")]
    private partial void LogUnverified(string location, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Release of {Source} lists no Packages index under '{Prefix}'")]
    private partial void LogNoIndex(string source, string prefix);

    [LoggerMessage(
        Level = LogLevel.Debug,
        Message = "The index {Location} is not on the server (HTTP 404), so the next location is tried")]
    private partial void LogIndexNotFound(string location);
}
