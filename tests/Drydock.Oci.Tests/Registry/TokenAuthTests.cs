using System.Net;
using System.Text;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;
using Drydock.Testing.Registry;

namespace Drydock.Oci.Tests.Registry;

/// <summary>
/// docker-registry with <c>auth: token</c>, trusting a test certificate authority, and a loopback
/// token server that signs with a certificate issued by it.
/// </summary>
public sealed class TokenAuthTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> _users = new() { ["alice"] = "wonderland" };

    private readonly RegistryTestContext _context = new();
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private RegistryServer _registry = null!;

    private ImageTransportOptions AsAlice => _context.Options with
    {
        Credential = new RegistryCredential("alice", "wonderland"),
    };

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartWithTokenAuthAsync(_certificates, _users);
        _registry.Tokens!.AnonymousPull = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _certificates.Dispose();
        _context.Dispose();
    }

    [Fact]
    public async Task Push_with_credentials_is_readable_by_skopeo()
    {
        var image = await PushTinyAsync("auth/push");

        await _context.CopyAsync($"{_registry.Host}/auth/push:v1", $"{_registry.Host}/auth/pushed:v1", options: AsAlice);

        var raw = await Skopeo.RunAsync(
            "inspect", "--raw", "--tls-verify=false", "--creds", "alice:wonderland",
            $"docker://{_registry.Host}/auth/pushed:v1");
        Assert.Equal(image.RootDigest, Digest.Compute(Encoding.UTF8.GetBytes(raw)).ToString());
    }

    [Fact]
    public async Task Pull_anonymous_with_token()
    {
        var image = await PushTinyAsync("auth/anonymous");
        await using var source = ImageTransports.OpenSource($"{_registry.Host}/auth/anonymous:v1", _context.Options);

        var manifest = await source.GetManifestAsync(RegistryTestContext.Cancellation);

        Assert.Equal(image.RootDigest, manifest.Digest.ToString());
    }

    [Fact]
    public async Task Push_anonymous_is_unauthorized()
    {
        await PushTinyAsync("auth/denied");

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => _context.CopyAsync($"{_registry.Host}/auth/denied:v1", $"{_registry.Host}/auth/denied-copy:v1"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains(error.Errors, e => e.Code == "UNAUTHORIZED");
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task Wrong_password_fails_at_token_server()
    {
        await PushTinyAsync("auth/wrong");
        var options = _context.Options with { Credential = new RegistryCredential("alice", "not-the-password") };
        await using var source = ImageTransports.OpenSource($"{_registry.Host}/auth/wrong:v1", options);

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => source.GetManifestAsync(RegistryTestContext.Cancellation));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.StartsWith(_registry.Tokens!.Realm, error.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_are_cached_per_scope()
    {
        await PushTinyAsync("auth/cache");
        var before = _registry.Tokens!.TokensIssued;

        await _context.CopyAsync($"{_registry.Host}/auth/cache:v1", $"{_registry.Host}/auth/cache-copy:v1", options: AsAlice);

        // One token to pull the source, one to push the copy and one to mount from the source
        // into the copy, whatever the number of requests.
        Assert.Equal(3, _registry.Tokens.TokensIssued - before);
    }

    [Fact]
    public async Task Expired_token_is_fetched_again()
    {
        await PushTinyAsync("auth/expiry");
        _registry.Tokens!.ExpiresInSeconds = 11;
        var options = _context.Options with { Retry = new RetryPolicy { MaxAttempts = 3 } };
        await using var source = ImageTransports.OpenSource($"{_registry.Host}/auth/expiry:v1", options);
        await source.GetManifestAsync(RegistryTestContext.Cancellation);
        var afterFirst = _registry.Tokens.TokensIssued;

        // Drydock renews tokens 10 seconds before they expire, so this one is stale after 1 second.
        await Task.Delay(TimeSpan.FromSeconds(1.5), RegistryTestContext.Cancellation);
        await source.GetManifestAsync(RegistryTestContext.Cancellation);

        Assert.Equal(afterFirst + 1, _registry.Tokens.TokensIssued);
    }

    [Fact]
    public async Task Credentials_from_docker_config()
    {
        var image = await PushTinyAsync("auth/config");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:wonderland"));
        Directory.CreateDirectory(_context.Options.DockerConfigDirectory!);
        await File.WriteAllTextAsync(
            Path.Combine(_context.Options.DockerConfigDirectory!, "config.json"),
            "{\"auths\":{\"" + _registry.Host + "\":{\"auth\":\"" + auth + "\"}}}",
            RegistryTestContext.Cancellation);

        // Fresh options, so that no client created before the file existed is reused.
        var options = _context.Options with { Retry = new RetryPolicy { MaxAttempts = 2 } };
        var result = await _context.CopyAsync(
            $"{_registry.Host}/auth/config:v1", $"{_registry.Host}/auth/config-copy:v1", options: options);

        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
    }

    [Fact]
    public async Task Credentials_from_credential_helper()
    {
        var image = await PushTinyAsync("auth/helper");
        var helper = CredentialHelperScripts.Write(
            """{"ServerURL":"x","Username":"alice","Secret":"wonderland"}""", 0, 0,
            name => Path.Combine(_context.Directory, name + ".stdin"));
        WriteDockerConfig("{\"credHelpers\":{\"" + _registry.Host + "\":\"" + helper + "\"}}");

        var options = _context.Options with { Retry = new RetryPolicy { MaxAttempts = 3 } };
        var result = await _context.CopyAsync(
            $"{_registry.Host}/auth/helper:v1", $"{_registry.Host}/auth/helper-copy:v1", options: options);

        Assert.Equal(image.RootDigest, result.Root.Digest.ToString());
        Assert.Equal(_registry.Host, await File.ReadAllTextAsync(
            Path.Combine(_context.Directory, helper + ".stdin"), RegistryTestContext.Cancellation));
        CredentialHelperScripts.Remove([helper]);
    }

    [Fact]
    public async Task Identity_token_from_helper_is_exchanged()
    {
        var image = await PushTinyAsync("auth/identity");
        _registry.Tokens!.IdentityTokens["refresh-alice"] = "alice";
        var helper = CredentialHelperScripts.Write(
            """{"ServerURL":"x","Username":"<token>","Secret":"refresh-alice"}""", 0, 0,
            name => Path.Combine(_context.Directory, name + ".stdin"));
        WriteDockerConfig("{\"credsStore\":\"" + helper + "\"}");

        var options = _context.Options with { Retry = new RetryPolicy { MaxAttempts = 4 } };
        var result = await _context.CopyAsync(
            $"{_registry.Host}/auth/identity:v1", $"{_registry.Host}/auth/identity-copy:v1", options: options);

        var raw = await Skopeo.RunAsync(
            "inspect", "--raw", "--tls-verify=false", "--creds", "alice:wonderland",
            $"docker://{_registry.Host}/auth/identity-copy:v1");
        Assert.Equal(image.RootDigest, Digest.Compute(Encoding.UTF8.GetBytes(raw)).ToString());
        CredentialHelperScripts.Remove([helper]);
    }

    private void WriteDockerConfig(string json)
    {
        Directory.CreateDirectory(_context.Options.DockerConfigDirectory!);
        File.WriteAllText(Path.Combine(_context.Options.DockerConfigDirectory!, "config.json"), json);
    }

    private async Task<TinyImage> PushTinyAsync(string repository)
    {
        var image = TinyImage.Create(_context.NewDirectory(repository.Replace('/', '-')), "v1", ["linux/amd64"]);
        await Skopeo.PushAsync(image, $"{_registry.Host}/{repository}:v1", "--dest-creds", "alice:wonderland");
        return image;
    }
}
