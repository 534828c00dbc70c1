using System.Collections.Concurrent;
using Drydock.Oci.DockerArchives;
using Drydock.Oci.Layout;
using Drydock.Oci.References;
using Drydock.Oci.Registry;
using Microsoft.Extensions.Logging;

namespace Drydock.Oci.Transports;

/// <summary>
/// Opens image sources and destinations from locations written as skopeo and crane write them;
/// see <see cref="TransportReference"/> for the syntax.
/// </summary>
public static class ImageTransports
{
    // One client per registry host and settings, so that tokens and connections are shared by
    // the sources and destinations of a process.
    private static readonly ConcurrentDictionary<(string Host, ImageTransportOptions Options), RegistryClient> _clients =
        new();

    /// <exception cref="FormatException">The location is not valid.</exception>
    public static IImageSource OpenSource(string location, ImageTransportOptions options) =>
        OpenSource(TransportReference.Parse(location), options);

    /// <exception cref="FormatException">The location is not valid.</exception>
    public static IImageDestination OpenDestination(string location, ImageTransportOptions options) =>
        OpenDestination(TransportReference.Parse(location), options);

    public static IImageSource OpenSource(TransportReference location, ImageTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        return location.Kind switch
        {
            TransportKind.Registry => new RegistrySource(
                location.Image!, OpenRepository(location.Image!, options, forPush: false), options.Cache),

            TransportKind.OciLayout => OciLayout.OpenSource(location.Path!, location.Tag, FileLogger(options)),
            TransportKind.OciArchive => OciArchive.OpenSource(location.Path!, location.Tag, FileLogger(options)),
            TransportKind.DockerArchive => DockerArchive.OpenSource(
                location.Path!, location.Tag, FileLogger(options)),
            _ => throw NotWired(location),
        };
    }

    public static IImageDestination OpenDestination(TransportReference location, ImageTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        return location.Kind switch
        {
            TransportKind.Registry => new RegistryDestination(
                location.Image!, OpenRepository(location.Image!, options, forPush: true)),

            TransportKind.OciLayout => OciLayout.OpenDestination(
                location.Path!, location.Tag, FileLogger(options)),
            TransportKind.OciArchive => OciArchive.OpenDestination(
                location.Path!, location.Tag, FileLogger(options)),
            TransportKind.DockerArchive => DockerArchive.OpenDestination(
                location.Path!, location.Tag, FileLogger(options)),
            _ => throw NotWired(location),
        };
    }

    private static RegistryRepository OpenRepository(
        ImageReference reference, ImageTransportOptions options, bool forPush)
    {
        var client = _clients.GetOrAdd((reference.ApiHost, options), key => CreateClient(reference, key.Options));
        return new RegistryRepository(client, reference.Repository) { ForPush = forPush };
    }

    private static RegistryClient CreateClient(ImageReference reference, ImageTransportOptions options)
    {
        var credential = options.Credential
            ?? DockerConfig.Find(reference.Registry, options.DockerConfigDirectory);
        var connection = new RegistryConnection(options.Insecure, credential, options.Retry)
        {
            ReadTimeout = options.ReadTimeout,
            UploadChunkSize = options.UploadChunkSize,
        };
        return new RegistryClient(
            reference.ApiHost, connection, options.LoggerFactory.CreateLogger("Drydock.Oci.Registry"));
    }

    private static ILogger FileLogger(ImageTransportOptions options) =>
        options.LoggerFactory.CreateLogger("Drydock.Oci.Files");

    private static NotSupportedException NotWired(TransportReference location) => new(
        $"The {location.Kind} transport of '{location}' is not available in this build. "
        + "Use a registry reference.");
}
