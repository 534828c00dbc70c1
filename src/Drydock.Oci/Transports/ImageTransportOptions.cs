using Drydock.Oci.Cache;
using Drydock.Oci.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Oci.Transports;

/// <summary>Settings that every transport of one command shares.</summary>
public sealed record ImageTransportOptions
{
    /// <summary>The default <see cref="UploadChunkSize"/>, 32 MiB.</summary>
    public const long DefaultUploadChunkSize = 32L << 20;

    /// <summary>
    /// Whether registries that are not on loopback may be reached without TLS certificate checks,
    /// and over plain HTTP when they do not speak HTTPS.
    /// </summary>
    public bool Insecure { get; init; }

    /// <summary>
    /// Credentials for every registry of the command. When null, each registry's entry in the
    /// Docker configuration is used, and none means anonymous access.
    /// </summary>
    public RegistryCredential? Credential { get; init; }

    /// <summary>The Docker configuration directory; null means <c>DOCKER_CONFIG</c> or <c>~/.docker</c>.</summary>
    public string? DockerConfigDirectory { get; init; }

    /// <summary>The blob cache that registry sources read through; null disables caching.</summary>
    public BlobCache? Cache { get; init; }

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>
    /// How long a registry response body may send nothing before the read fails, so that a
    /// stalled connection ends the command instead of hanging it.
    /// </summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Blobs larger than this many bytes are pushed to registries in chunks of this size, so
    /// that a broken connection costs at most one chunk. 0 sends every blob in one request.
    /// Each upload in progress keeps one chunk in memory.
    /// </summary>
    public long UploadChunkSize { get; init; } = DefaultUploadChunkSize;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
