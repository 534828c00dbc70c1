using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Drydock.Oci.Net;
using Drydock.Oci.References;
using Drydock.Oci.Transports;
using Microsoft.Extensions.Logging;

namespace Drydock.Oci.Registry;

/// <summary>
/// Sends requests to one registry host: picks the scheme, authorizes each request for its
/// scope, retries transient failures, and returns every final response for the caller to pass
/// through <see cref="RegistryResponses"/>.
/// </summary>
internal sealed class RegistryClient
{
    private static readonly HttpClient _secureHttp = CreateHttpClient(verifyCertificates: true);
    private static readonly HttpClient _insecureHttp = CreateHttpClient(verifyCertificates: false);

    private readonly HttpClient _http;
    private readonly TokenAuthenticator _authenticator;
    private readonly RetryPolicy _retry;
    private readonly ILogger _logger;
    private bool _mayFallBackToHttp;

    public RegistryClient(string apiHost, RegistryConnection connection, ILogger logger)
    {
        Host = apiHost;
        var loopback = ImageReference.IsLoopbackHost(HostOf(apiHost));

        // Docker reaches loopback registries over plain HTTP with no configuration; elsewhere
        // --insecure allows HTTPS without certificate checks, then plain HTTP, as Docker's
        // insecure-registries setting does.
        var plainHttp = loopback;
        _mayFallBackToHttp = connection.Insecure && !loopback;
        _http = connection.Insecure && !loopback ? _insecureHttp : _secureHttp;
        BaseUri = new Uri($"{(plainHttp ? "http" : "https")}://{apiHost}/");
        _authenticator = new TokenAuthenticator(_http, connection.Credential, logger);
        _retry = connection.Retry;
        ReadTimeout = connection.ReadTimeout;
        UploadChunkSize = connection.UploadChunkSize;
        _logger = logger;
    }

    public string Host { get; }

    /// <summary>How long a response body may send nothing before a read fails.</summary>
    public TimeSpan ReadTimeout { get; }

    /// <summary>The scheme, host and port requests go to, ending with '/'.</summary>
    public Uri BaseUri { get; private set; }

    public RetryPolicy Retry => _retry;

    public ILogger Logger => _logger;

    /// <summary>Blobs larger than this are uploaded in chunks of this many bytes; 0 means never.</summary>
    public long UploadChunkSize { get; }

    /// <summary>Whether the registry rejected a chunked upload, so later blobs go in one request.</summary>
    public bool ChunkedUploadsRejected { get; set; }

    /// <summary>The repositories of this registry known to contain each blob, for mounts.</summary>
    public KnownBlobs KnownBlobs { get; } = new();

    /// <summary>
    /// Sends a request built by <paramref name="createRequest"/> from the base URI, until it
    /// succeeds, fails for good, or the retry policy gives up. The final response is returned
    /// whatever its status.
    /// </summary>
    /// <param name="createRequest">Builds a fresh request, content included, for each attempt.</param>
    /// <param name="scope">The token scope, such as <c>repository:library/debian:pull</c>.</param>
    /// <param name="replayable">Whether the request may be sent more than once.</param>
    /// <param name="cancellationToken">Cancels the request and any wait between attempts.</param>
    /// <param name="completion">When the response counts as received: after headers or after content.</param>
    /// <param name="retryFailures">
    /// Whether a replayable request is sent again after a transient failure. When false, only a
    /// 401 that new authorization may fix is retried, and the caller handles the rest.
    /// </param>
    public async Task<HttpResponseMessage> SendAsync(
        Func<Uri, HttpRequestMessage> createRequest,
        string scope,
        bool replayable,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        bool retryFailures = true)
    {
        var authRetried = false;
        for (var attempt = 1; ; attempt++)
        {
            using var request = createRequest(BaseUri);
            await _authenticator.AuthorizeAsync(request, scope, cancellationToken).ConfigureAwait(false);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (_mayFallBackToHttp && IsTlsFailure(e))
            {
                RegistryLog.FallingBackToHttp(_logger, Host, e.Message);
                _mayFallBackToHttp = false;
                BaseUri = new Uri($"http://{Host}/");
                attempt--;
                continue;
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && replayable && retryFailures
                && _retry.DelayBefore(attempt, null) is { } delay)
            {
                RegistryLog.RetryingError(
                    _logger, request.Method.Method, RegistryResponses.Redact(request.RequestUri!), e.Message,
                    attempt + 1, _retry.MaxAttempts, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _mayFallBackToHttp = false;
            RegistryLog.Response(
                _logger, request.Method.Method, RegistryResponses.Redact(request.RequestUri!), (int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Unauthorized && !authRetried && replayable
                && _authenticator.Challenge(response, scope))
            {
                authRetried = true;
                attempt--;
                response.Dispose();
                continue;
            }

            if (RegistryException.IsRetryableStatus(response.StatusCode) && replayable && retryFailures
                && _retry.DelayBefore(attempt, RegistryResponses.RetryAfter(response)) is { } wait)
            {
                RegistryLog.RetryingStatus(
                    _logger, request.Method.Method, RegistryResponses.Redact(request.RequestUri!),
                    (int)response.StatusCode, attempt + 1, _retry.MaxAttempts, (long)wait.TotalMilliseconds);
                response.Dispose();
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    /// <summary>Whether a failed request may succeed when sent again.</summary>
    public static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        // HttpClient reports its own timeout as a cancellation that the caller did not ask for.
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException { InnerException: AuthenticationException or DigestMismatchException } => false,
        HttpRequestException => true,
        IOException or SocketException => true,
        _ => false,
    };

    private static bool IsTlsFailure(HttpRequestException e) =>
        e.InnerException is AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError;

    private static string HostOf(string apiHost)
    {
        if (apiHost.StartsWith('['))
        {
            return apiHost[..(apiHost.IndexOf(']', StringComparison.Ordinal) + 1)];
        }

        var colon = apiHost.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? apiHost[..colon] : apiHost;
    }

    // Registry responses are streamed for as long as blobs take; ReadTimeout bounds each read.
    private static HttpClient CreateHttpClient(bool verifyCertificates) =>
        GuardedHttp.Create(Timeout.InfiniteTimeSpan, verifyCertificates);
}

/// <summary>How to reach registries: TLS checks, credentials and retries.</summary>
internal sealed record RegistryConnection(bool Insecure, RegistryCredential? Credential, RetryPolicy Retry)
{
    /// <summary>How long a response body may send nothing before a read fails.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Blobs larger than this are uploaded in chunks of this many bytes; 0 means never.</summary>
    public long UploadChunkSize { get; init; } = ImageTransportOptions.DefaultUploadChunkSize;
}
