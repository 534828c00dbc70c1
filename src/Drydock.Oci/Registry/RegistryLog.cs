using Microsoft.Extensions.Logging;

namespace Drydock.Oci.Registry;

internal static partial class RegistryLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Url} -> {Status}")]
    public static partial void Response(ILogger logger, string method, string url, int status);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Method} {Url} failed with {Status}; retry {Attempt} of {MaxAttempts} in {DelayMs} ms")]
    public static partial void RetryingStatus(
        ILogger logger, string method, string url, int status, int attempt, int maxAttempts, long delayMs);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Method} {Url} failed: {Error}; retry {Attempt} of {MaxAttempts} in {DelayMs} ms")]
    public static partial void RetryingError(
        ILogger logger, string method, string url, string error, int attempt, int maxAttempts, long delayMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetched a token for {Service} scope {Scope}, valid {Seconds} s")]
    public static partial void TokenFetched(ILogger logger, string service, string scope, int seconds);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "{Registry} did not answer over HTTPS ({Error}); using plain HTTP as --insecure allows")]
    public static partial void FallingBackToHttp(ILogger logger, string registry, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mounted blob {Digest} from {From} into {Repository}")]
    public static partial void BlobMounted(ILogger logger, string digest, string from, string repository);

    [LoggerMessage(
        Level = LogLevel.Debug,
        Message = "Registry declined to mount blob {Digest} from {From} into {Repository} ({Status}); uploading it")]
    public static partial void MountDeclined(ILogger logger, string digest, string from, string repository, int status);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Registry answered a mount of blob {Digest} into {Repository} with an unusable upload "
            + "location '{Location}'; opening a new upload")]
    public static partial void MountSessionUnusable(ILogger logger, string digest, string repository, string location);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "{Registry} rejected a chunked upload with {Status}; uploading blobs in one request")]
    public static partial void ChunkedUploadRejected(ILogger logger, string registry, int status);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Upload to {Url} failed: {Error}; resuming at byte {Offset}, attempt {Attempt} of {MaxAttempts}")]
    public static partial void ResumingUpload(
        ILogger logger, string url, long offset, string error, int attempt, int maxAttempts);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Registry dropped the upload of blob {Digest} to {Repository} ({Error}); starting it again")]
    public static partial void RestartingUpload(ILogger logger, string digest, string repository, string error);
}
