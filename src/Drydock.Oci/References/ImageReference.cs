using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.RegularExpressions;

namespace Drydock.Oci.References;

/// <summary>
/// A registry image reference, <c>HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]</c>, following the grammar of
/// distribution's reference package v2.8.2 (reference/regexp.go) and Docker's normalisation of
/// short names: <c>debian:bookworm</c> is <c>docker.io/library/debian:bookworm</c>.
/// </summary>
public sealed partial record ImageReference
{
    /// <summary>The registry name that Docker Hub references carry.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>The host that serves Docker Hub's registry API.</summary>
    public const string DockerHubApiHost = "registry-1.docker.io";

    // A repository name (registry and path) is at most 255 characters in distribution's grammar.
    private const int MaxNameLength = 255;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host with an optional port, such as <c>docker.io</c> or <c>127.0.0.1:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry, such as <c>library/debian</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, or null when the reference names only a digest or nothing.</summary>
    public string? Tag { get; }

    /// <summary>The manifest digest, or null when the reference names a tag.</summary>
    public Digest? Digest { get; }

    /// <summary>The host and port that serve the registry API for this reference.</summary>
    public string ApiHost => Registry == DockerHub ? DockerHubApiHost : Registry;

    /// <summary>
    /// The path segment that names the manifest in API calls: the digest when present, else
    /// the tag, else <c>latest</c> as Docker and skopeo default.
    /// </summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? "latest";

    /// <summary>
    /// Whether the registry is on the loopback interface (127.0.0.0/8, <c>localhost</c>, ::1),
    /// which Docker reaches over plain HTTP without configuration.
    /// </summary>
    public bool IsLoopback => IsLoopbackHost(HostWithoutPort(Registry));

    public static ImageReference Parse(string value)
    {
        if (!TryParse(value, out var reference, out var error))
        {
            throw new FormatException(error);
        }

        return reference;
    }

    public static bool TryParse(string? value, [NotNullWhen(true)] out ImageReference? reference) =>
        TryParse(value, out reference, out _);

    /// <summary>Parses a reference, or returns false with a sentence that describes the problem.</summary>
    public static bool TryParse(
        string? value, [NotNullWhen(true)] out ImageReference? reference, out string error)
    {
        reference = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "Image reference is empty. Expected HOST[:PORT]/REPOSITORY[:TAG][@DIGEST].";
            return false;
        }

        var rest = value;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(rest[(at + 1)..], out var parsed))
            {
                error = $"Invalid digest in image reference '{value}'. Expected '@sha256:' followed by "
                    + "64 lower-case hex digits.";
                return false;
            }

            digest = parsed;
            rest = rest[..at];
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var tagColon = rest.LastIndexOf(':');
        if (tagColon > lastSlash)
        {
            tag = rest[(tagColon + 1)..];
            rest = rest[..tagColon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"Invalid tag '{tag}' in image reference '{value}'. A tag is 1-128 letters, "
                    + "digits, '_', '.' or '-' and does not start with '.' or '-'.";
                return false;
            }
        }

        var (registry, repository) = SplitRegistry(rest);
        if (registry is null || !IsValidRegistry(registry))
        {
            error = $"Invalid registry host '{registry}' in image reference '{value}'.";
            return false;
        }

        if (!IsValidRepository(repository))
        {
            error = $"Invalid repository '{repository}' in image reference '{value}'. Repository names "
                + "are lower-case letters and digits separated by '/', '.', '_', '__' or '-'.";
            return false;
        }

        if (registry.Length + 1 + repository.Length > MaxNameLength)
        {
            error = $"Image name in '{value}' is longer than {MaxNameLength} characters.";
            return false;
        }

        reference = new ImageReference(registry, repository, tag, digest);
        error = string.Empty;
        return true;
    }

    /// <summary>Returns a copy that names <paramref name="digest"/>, keeping the tag.</summary>
    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, Tag, digest);

    /// <summary>Returns a copy that names <paramref name="tag"/> and no digest.</summary>
    public ImageReference WithTag(string tag) => new(Registry, Repository, tag, null);

    /// <summary>The full name, <c>REGISTRY/REPOSITORY[:TAG][@DIGEST]</c>.</summary>
    public override string ToString()
    {
        var text = $"{Registry}/{Repository}";
        if (Tag is not null)
        {
            text += ":" + Tag;
        }

        if (Digest is { } digest)
        {
            text += "@" + digest;
        }

        return text;
    }

    internal static bool IsLoopbackHost(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    private static string HostWithoutPort(string registry)
    {
        if (registry.StartsWith('['))
        {
            var close = registry.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? registry[..(close + 1)] : registry;
        }

        var colon = registry.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? registry[..colon] : registry;
    }

    // Docker's rule (distribution/reference normalize.go, splitDockerDomain): the first component
    // is a registry only when it contains '.' or ':', or is "localhost", or has an upper-case
    // letter; otherwise the name lives on Docker Hub, under library/ when it has one component.
    private static (string? Registry, string Repository) SplitRegistry(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        string registry;
        string repository;
        if (slash < 0 || !LooksLikeRegistry(name[..slash]))
        {
            registry = DockerHub;
            repository = name;
        }
        else
        {
            registry = name[..slash];
            repository = name[(slash + 1)..];
        }

        if (registry == "index.docker.io")
        {
            registry = DockerHub;
        }

        if (registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        return (registry, repository);
    }

    private static bool LooksLikeRegistry(string component) =>
        component.Contains('.', StringComparison.Ordinal)
        || component.Contains(':', StringComparison.Ordinal)
        || component == "localhost"
        || component.Any(char.IsUpper);

    private static bool IsValidRegistry(string registry) => RegistryPattern().IsMatch(registry);

    private static bool IsValidRepository(string repository) =>
        repository.Length > 0 && RepositoryPattern().IsMatch(repository);

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(
        @"^(?:\[[0-9a-fA-F:.]+\]|(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
        + @"(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*)(?::[0-9]{1,5})?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex RegistryPattern();

    [GeneratedRegex(
        @"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$",
        RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();
}
