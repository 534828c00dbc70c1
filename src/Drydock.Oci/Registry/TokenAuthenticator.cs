using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Drydock.Oci.Registry;

/// <summary>
/// Chooses the Authorization header for a registry from its last challenge: basic credentials
/// for <c>Basic</c>, and for <c>Bearer</c> a token from the realm named in the challenge,
/// following Docker's token authentication specification (distribution v2.8.2,
/// docs/spec/auth/token.md). Tokens are cached per scope until shortly before they expire.
/// </summary>
internal sealed class TokenAuthenticator
{
    // The token specification's default lifetime when the server gives no expires_in.
    private const int DefaultTokenSeconds = 60;

    // Token responses are small JSON documents.
    private const int MaxTokenResponseSize = 1024 * 1024;

    private static readonly TimeSpan _expiryMargin = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly RegistryCredential? _credential;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetchLock = new(1, 1);
    private AuthChallenge? _challenge;

    public TokenAuthenticator(HttpClient http, RegistryCredential? credential, ILogger logger)
    {
        _http = http;
        _credential = credential;
        _logger = logger;
    }

    /// <summary>Stores the challenge of a 401 response and drops the cached token that failed.</summary>
    /// <returns>Whether sending the request again with new authorization may succeed.</returns>
    public bool Challenge(HttpResponseMessage response, string scope)
    {
        var challenges = response.Headers.WwwAuthenticate
            .SelectMany(header => AuthChallenge.ParseAll(header.ToString()))
            .ToList();
        var challenge = challenges.FirstOrDefault(c => c.IsBearer && c.Realm is not null)
            ?? challenges.FirstOrDefault(c => c.IsBasic);
        if (challenge is null)
        {
            return false;
        }

        var hadAuthorization = response.RequestMessage?.Headers.Authorization is not null;
        _challenge = challenge;
        _tokens.TryRemove(scope, out _);

        // A fresh token may succeed where a cached one failed, because the old one expired
        // early or the challenge names a new scope. The caller sends the request again once.
        return challenge.IsBearer || (_credential is not null && !hadAuthorization);
    }

    /// <summary>Sets the Authorization header that the known challenge calls for, if any.</summary>
    public async Task AuthorizeAsync(HttpRequestMessage request, string scope, CancellationToken cancellationToken)
    {
        var challenge = _challenge;
        if (challenge is null)
        {
            return;
        }

        if (challenge.IsBasic)
        {
            // NOTE: an identity token works only with Bearer challenges. With Basic ones the
            // request goes without credentials, because there is no user name to send it with.
            if (_credential is { IsIdentityToken: false })
            {
                request.Headers.Authorization = BasicHeader(_credential);
            }

            return;
        }

        var token = await GetTokenAsync(challenge, scope, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private async Task<string> GetTokenAsync(AuthChallenge challenge, string scope, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(scope, out var cached) && cached.ExpiresAt > DateTimeOffset.UtcNow)
        {
            return cached.Token;
        }

        await _fetchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens.TryGetValue(scope, out cached) && cached.ExpiresAt > DateTimeOffset.UtcNow)
            {
                return cached.Token;
            }

            var token = await FetchTokenAsync(challenge, scope, cancellationToken).ConfigureAwait(false);
            _tokens[scope] = token;
            return token.Token;
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    private async Task<CachedToken> FetchTokenAsync(
        AuthChallenge challenge, string scope, CancellationToken cancellationToken)
    {
        var uri = TokenUri(challenge, scope);
        using var request = _credential is { IsIdentityToken: true }
            ? RefreshTokenRequest(challenge, scope, _credential.Password)
            : new HttpRequestMessage(HttpMethod.Get, uri);
        if (_credential is { IsIdentityToken: false })
        {
            request.Headers.Authorization = BasicHeader(_credential);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await RegistryResponses.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxTokenResponseSize)
        {
            throw new InvalidDataException(
                $"Token response from '{RegistryResponses.Redact(uri)}' is larger than {MaxTokenResponseSize} bytes.");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var token = ParseTokenResponse(body, RegistryResponses.Redact(uri));
        RegistryLog.TokenFetched(_logger, challenge.Service ?? "?", scope, token.Seconds);
        return new CachedToken(token.Token, token.IssuedAt + TimeSpan.FromSeconds(token.Seconds) - _expiryMargin);
    }

    internal static (string Token, int Seconds, DateTimeOffset IssuedAt) ParseTokenResponse(
        byte[] body, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;

            // The token field is "token"; OAuth2-style servers send "access_token" instead.
            var token = StringProperty(root, "token") ?? StringProperty(root, "access_token");
            if (string.IsNullOrEmpty(token))
            {
                throw new InvalidDataException(
                    $"Token response from '{source}' has neither 'token' nor 'access_token'.");
            }

            var seconds = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var s) && s > 0
                ? s
                : DefaultTokenSeconds;
            var issuedAt = root.TryGetProperty("issued_at", out var issued)
                && issued.ValueKind == JsonValueKind.String && issued.TryGetDateTimeOffset(out var at)
                ? at
                : DateTimeOffset.UtcNow;
            return (token, seconds, issuedAt);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Token response from '{source}' is not valid JSON: {e.Message}", e);
        }
    }

    // An identity token is an OAuth2 refresh token, exchanged by POST to the realm
    // (distribution v2.8.2, docs/spec/auth/oauth.md) in place of basic credentials.
    private static HttpRequestMessage RefreshTokenRequest(AuthChallenge challenge, string scope, string token)
    {
        var scopes = Scopes(challenge, scope);
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", token),
            new("client_id", "drydock"),
            new("service", challenge.Service ?? string.Empty),
            new("scope", string.Join(' ', scopes)),
        };
        return new HttpRequestMessage(HttpMethod.Post, new Uri(challenge.Realm!))
        {
            Content = new FormUrlEncodedContent(form),
        };
    }

    // A request may need several scopes, space-separated, such as a mount's push scope on the
    // target and pull scope on the source. distribution's challenges list several the same way.
    private static IEnumerable<string> Scopes(AuthChallenge challenge, string scope) =>
        scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Concat(challenge.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [])
            .Distinct(StringComparer.Ordinal);

    private static Uri TokenUri(AuthChallenge challenge, string scope)
    {
        var query = new StringBuilder();
        if (challenge.Service is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service));
        }

        foreach (var item in Scopes(challenge, scope))
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(item));
        }

        var builder = new UriBuilder(challenge.Realm!);
        var existing = builder.Query.TrimStart('?');
        builder.Query = existing.Length > 0 ? existing + "&" + query : query.ToString();
        return builder.Uri;
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt);
}
