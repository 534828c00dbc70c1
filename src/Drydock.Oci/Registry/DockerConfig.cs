using System.Text;
using System.Text.Json;

namespace Drydock.Oci.Registry;

/// <summary>
/// Reads registry credentials from Docker's client configuration,
/// <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>, in the order the Docker
/// CLI (v24, cli/config/configfile) follows: the registry's entry in <c>credHelpers</c>, else
/// the <c>credsStore</c> helper, else the <c>auths</c> map with base64 <c>auth</c>
/// ("user:password"), separate <c>username</c> and <c>password</c> fields, or an
/// <c>identitytoken</c>.
/// </summary>
internal static class DockerConfig
{
    // Docker keeps Docker Hub credentials under its v1 index URL.
    private const string DockerHubServer = "https://index.docker.io/v1/";

    private static readonly string[] _dockerHubKeys =
        [DockerHubServer, "index.docker.io", "docker.io", "registry-1.docker.io"];

    /// <summary>The configuration directory: <c>DOCKER_CONFIG</c>, else <c>~/.docker</c>.</summary>
    public static string DefaultDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        return !string.IsNullOrEmpty(configured)
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
    }

    /// <summary>
    /// Returns the credential stored for <paramref name="registry"/> (a host with optional port),
    /// or null when there is none or no configuration file. A credential helper that the file
    /// names is run, and it decides alone, as in Docker: when it holds nothing, null is returned.
    /// </summary>
    /// <param name="registry">The registry host with optional port.</param>
    /// <param name="directory">The configuration directory; null means <see cref="DefaultDirectory"/>.</param>
    /// <param name="helperTimeout">How long a credential helper may run; null means 30 seconds.</param>
    /// <exception cref="InvalidDataException">
    /// The file is not valid JSON, or an entry or a helper's output is malformed.
    /// </exception>
    /// <exception cref="IOException">A credential helper is missing or failed.</exception>
    /// <exception cref="TimeoutException">A credential helper did not finish in time.</exception>
    public static RegistryCredential? Find(string registry, string? directory = null, TimeSpan? helperTimeout = null)
    {
        var path = Path.Combine(directory ?? DefaultDirectory(), "config.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException(
                    $"Docker configuration '{path}' is not a JSON object. Fix or remove the file.");
            }

            var isDockerHub = registry == References.ImageReference.DockerHub;
            var wanted = isDockerHub ? _dockerHubKeys : [registry];
            var server = isDockerHub ? DockerHubServer : registry;
            var timeout = helperTimeout ?? CredentialHelper.DefaultTimeout;
            if (HelperFor(path, root, wanted) is { } helper)
            {
                return CredentialHelper.Get(helper, server, path, timeout);
            }

            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object
                && FindEntry(auths, wanted) is { } entry)
            {
                return ReadEntry(path, entry);
            }

            return null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"Docker configuration '{path}' is not valid JSON: {e.Message} Fix or remove the file.", e);
        }
    }

    // credHelpers maps a registry to a helper, and credsStore names one helper for every registry.
    private static string? HelperFor(string path, JsonElement root, string[] wanted)
    {
        if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object
            && FindEntry(helpers, wanted) is { } entry)
        {
            return entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()
                : throw Malformed(path, "credHelpers", entry.Name, "is not a string");
        }

        if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String
            && store.GetString() is { Length: > 0 } name)
        {
            return name;
        }

        return null;
    }

    private static JsonProperty? FindEntry(JsonElement map, string[] wanted)
    {
        foreach (var entry in map.EnumerateObject())
        {
            if (wanted.Contains(entry.Name, StringComparer.OrdinalIgnoreCase)
                || wanted.Contains(NormaliseKey(entry.Name), StringComparer.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    // Keys may be written as URLs ("https://host:5000/v1/"); the host and port identify the registry.
    private static string NormaliseKey(string key)
    {
        var text = key;
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? text[..slash] : text;
    }

    private static RegistryCredential? ReadEntry(string path, JsonProperty entry)
    {
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, "auths", entry.Name, "is not an object");
        }

        if (value.TryGetProperty("identitytoken", out var identity) && identity.ValueKind == JsonValueKind.String
            && identity.GetString() is { Length: > 0 } token)
        {
            return new RegistryCredential(RegistryCredential.IdentityTokenUsername, token);
        }

        if (value.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String
            && auth.GetString() is { Length: > 0 } encoded)
        {
            return DecodeAuth(path, entry.Name, encoded);
        }

        if (value.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String
            && value.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.String)
        {
            return new RegistryCredential(user.GetString()!, password.GetString()!);
        }

        return null;
    }

    private static RegistryCredential DecodeAuth(string path, string key, string encoded)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException e)
        {
            throw Malformed(path, "auths", key, "has an 'auth' value that is not base64", e);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Malformed(path, "auths", key, "has an 'auth' value that does not decode to 'user:password'");
        }

        return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
    }

    private static InvalidDataException Malformed(
        string path, string map, string key, string problem, Exception? inner = null) =>
        new($"Docker configuration '{path}': the {map} entry '{key}' {problem}. "
            + "Log in again or fix the entry.", inner);
}
