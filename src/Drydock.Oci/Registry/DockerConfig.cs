using System.Text;
using System.Text.Json;

namespace Drydock.Oci.Registry;

/// <summary>
/// Reads registry credentials from Docker's client configuration,
/// <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>: the <c>auths</c> map with
/// base64 <c>auth</c> ("user:password") or separate <c>username</c> and <c>password</c> fields.
/// </summary>
internal static class DockerConfig
{
    // Docker keeps Docker Hub credentials under its v1 index URL.
    private static readonly string[] _dockerHubKeys =
        ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"];

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
    /// or null when there is none or no configuration file.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON or an entry is malformed.</exception>
    public static RegistryCredential? Find(string registry, string? directory = null)
    {
        var path = Path.Combine(directory ?? DefaultDirectory(), "config.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var wanted = registry == References.ImageReference.DockerHub ? _dockerHubKeys : [registry];
            foreach (var entry in auths.EnumerateObject())
            {
                if (wanted.Contains(entry.Name, StringComparer.OrdinalIgnoreCase)
                    || wanted.Contains(NormaliseKey(entry.Name), StringComparer.OrdinalIgnoreCase))
                {
                    return ReadEntry(path, entry);
                }
            }

            return null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"Docker configuration '{path}' is not valid JSON: {e.Message} Fix or remove the file.", e);
        }
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
            throw Malformed(path, entry.Name, "is not an object");
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

        // NOTE: credential helpers (credsStore, credHelpers) and identity tokens are not read.
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
            throw Malformed(path, key, "has an 'auth' value that is not base64", e);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Malformed(path, key, "has an 'auth' value that does not decode to 'user:password'");
        }

        return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
    }

    private static InvalidDataException Malformed(string path, string key, string problem, Exception? inner = null) =>
        new($"Docker configuration '{path}': the auths entry '{key}' {problem}. "
            + "Log in again or fix the entry.", inner);
}
