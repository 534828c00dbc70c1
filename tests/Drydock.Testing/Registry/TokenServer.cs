using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;

namespace Drydock.Testing.Registry;

/// <summary>
/// A loopback token server for a registry with <c>auth: token</c>, as Docker's token
/// authentication specification (distribution v2.8.2, docs/spec/auth/token.md) describes:
/// it checks basic credentials and returns an RS256 JWT whose <c>x5c</c> header carries the
/// signing certificate, granting the requested actions to known users and pull to anyone when
/// <see cref="AnonymousPull"/> is set.
/// </summary>
public sealed class TokenServer : IAsyncDisposable
{
    public const string Service = "drydock-test-registry";
    public const string Issuer = "drydock-test-token-server";

    private readonly HttpListener _listener;
    private readonly TestCertificates _certificates;
    private readonly Dictionary<string, string> _users;
    private readonly Task _loop;
    private int _tokensIssued;

    private TokenServer(HttpListener listener, TestCertificates certificates, Dictionary<string, string> users, int port)
    {
        _listener = listener;
        _certificates = certificates;
        _users = users;
        Realm = $"http://127.0.0.1:{port}/token";
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The token endpoint URL.</summary>
    public string Realm { get; }

    /// <summary>Whether requests without credentials get pull access.</summary>
    public bool AnonymousPull { get; set; }

    /// <summary>How long issued tokens are valid, in seconds.</summary>
    public int ExpiresInSeconds { get; set; } = 300;

    /// <summary>
    /// Identity tokens (OAuth2 refresh tokens) that a POST with <c>grant_type=refresh_token</c>
    /// may exchange, each for the user it names.
    /// </summary>
    public ConcurrentDictionary<string, string> IdentityTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>The number of tokens issued so far.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    public static TokenServer Start(TestCertificates certificates, IReadOnlyDictionary<string, string> users)
    {
        var (listener, port) = FreePort.Listen();
        return new TokenServer(listener, certificates, new Dictionary<string, string>(users), port);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed listener looks its port up again while closing; when another test
            // has bound that port meanwhile, it reports the port as in use. It is closed anyway.
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (context.Response)
            {
                Handle(context);
            }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var refresh = context.Request.HttpMethod == "POST";
        var form = refresh ? ReadForm(context.Request) : context.Request.QueryString;
        var user = refresh ? ExchangeRefreshToken(form) : Authenticate(context.Request);
        if (user == string.Empty)
        {
            context.Response.StatusCode = 401;
            Write(context.Response, """{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}""");
            return;
        }

        // A GET names each scope in its own parameter; an OAuth2 POST lists them in one.
        var scopes = (form.GetValues("scope") ?? [])
            .SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var access = new JsonArray();
        foreach (var scope in scopes)
        {
            var parts = scope.Split(':');
            if (parts.Length != 3)
            {
                continue;
            }

            var actions = parts[2].Split(',').Where(a => user is not null || (AnonymousPull && a == "pull"));
            access.Add(new JsonObject
            {
                ["type"] = parts[0],
                ["name"] = parts[1],
                ["actions"] = new JsonArray(actions.Select(a => (JsonNode)a).ToArray()),
            });
        }

        Interlocked.Increment(ref _tokensIssued);
        var token = Sign(user ?? string.Empty, access);
        var issuedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var body = refresh
            ? JsonSerializer.Serialize(new { access_token = token, expires_in = ExpiresInSeconds, issued_at = issuedAt })
            : JsonSerializer.Serialize(new { token, expires_in = ExpiresInSeconds, issued_at = issuedAt });
        Write(context.Response, body);
    }

    private static NameValueCollection ReadForm(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        return HttpUtility.ParseQueryString(reader.ReadToEnd());
    }

    // Returns the user an identity token belongs to, or "" when the request is not a valid exchange.
    private string ExchangeRefreshToken(NameValueCollection form) =>
        form["grant_type"] == "refresh_token" && form["refresh_token"] is { } token
        && IdentityTokens.TryGetValue(token, out var user)
            ? user
            : string.Empty;

    // Returns the user name, null for an anonymous request, or "" for wrong credentials.
    private string? Authenticate(HttpListenerRequest request)
    {
        var header = request.Headers["Authorization"];
        if (header is null)
        {
            return null;
        }

        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return string.Empty;
        }

        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return string.Empty;
        }

        var name = decoded[..colon];
        return _users.TryGetValue(name, out var password) && password == decoded[(colon + 1)..] ? name : string.Empty;
    }

    private string Sign(string subject, JsonArray access)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "RS256",
            ["x5c"] = new JsonArray(Convert.ToBase64String(_certificates.Signer.RawData)),
        };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = Service,
            ["exp"] = now + ExpiresInSeconds,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
            ["access"] = access,
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))
            + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        using var key = _certificates.Signer.GetRSAPrivateKey()!;
        var signature = key.SignData(
            Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void Write(HttpListenerResponse response, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
    }
}
