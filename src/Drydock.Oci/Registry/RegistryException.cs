using System.Net;

namespace Drydock.Oci.Registry;

/// <summary>One entry of a registry's error body (OCI distribution spec v1.1, "Error Codes").</summary>
/// <param name="Code">The error code, such as <c>MANIFEST_UNKNOWN</c> or <c>DENIED</c>.</param>
/// <param name="Message">The registry's text for it, possibly empty.</param>
public sealed record RegistryError(string Code, string Message);

/// <summary>
/// A registry or token server returned a status other than success. The URL is redacted:
/// it never carries credentials, tokens or signed query parameters.
/// </summary>
public sealed class RegistryException : IOException
{
    public RegistryException(
        string method,
        string redactedUrl,
        HttpStatusCode statusCode,
        IReadOnlyList<RegistryError> errors,
        TimeSpan? retryAfter)
        : base(Describe(method, redactedUrl, statusCode, errors))
    {
        Method = method;
        Url = redactedUrl;
        StatusCode = statusCode;
        Errors = errors;
        RetryAfter = retryAfter;
    }

    public RegistryException()
    {
        Method = string.Empty;
        Url = string.Empty;
        Errors = [];
    }

    public RegistryException(string message)
        : base(message)
    {
        Method = string.Empty;
        Url = string.Empty;
        Errors = [];
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Method = string.Empty;
        Url = string.Empty;
        Errors = [];
    }

    /// <summary>The HTTP method of the failed request.</summary>
    public string Method { get; }

    /// <summary>The request URL without credentials, tokens or query values other than safe ones.</summary>
    public string Url { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The registry's error codes and messages, empty when the body had none.</summary>
    public IReadOnlyList<RegistryError> Errors { get; }

    /// <summary>The delay the registry asked for with <c>Retry-After</c>, if any.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether sending the same request again may succeed: 408, 429 and 5xx other than 501.</summary>
    public bool IsRetryable => IsRetryableStatus(StatusCode);

    internal static bool IsRetryableStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    private static string Describe(
        string method, string url, HttpStatusCode status, IReadOnlyList<RegistryError> errors)
    {
        var codes = errors.Count == 0
            ? string.Empty
            : " (" + string.Join("; ", errors.Select(e => e.Message.Length == 0 ? e.Code : $"{e.Code}: {e.Message}"))
                + ")";
        return $"{method} '{url}' failed with HTTP {(int)status}{codes}. {Advice(status)}";
    }

    private static string Advice(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized =>
            "Check the credentials (--username and --password-stdin, or ~/.docker/config.json).",
        HttpStatusCode.Forbidden => "The credentials lack access to this repository; use an account that has it.",
        HttpStatusCode.NotFound => "Check the registry, repository, tag and digest.",
        _ when IsRetryableStatus(status) => "The registry is overloaded or failing; try again later.",
        _ => "The registry rejected the request; see its error codes.",
    };
}
