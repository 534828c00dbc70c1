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
}
