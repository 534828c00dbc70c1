using System.Globalization;
using System.Security.Cryptography;
using Drydock.Oci;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Oci.Writing;
using Drydock.Packages.Apt.Download;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Versions;

namespace Drydock.Images.Build;

/// <summary>What a build wrote: the manifest digest and the packages laid in.</summary>
public sealed record BuildResult(Digest Manifest, IReadOnlyList<LockedPackage> Packages);

/// <summary>How a build fetches packages and where it writes.</summary>
public sealed record BuildOptions
{
    public required HttpClient Http { get; init; }

    /// <summary>The cache root for .deb files; null means <see cref="DebDownloader.DefaultCacheRoot"/>.</summary>
    public string? CacheRoot { get; init; }

    public ImageTransportOptions Transport { get; init; } = new();
}

/// <summary>
/// Builds an image from a spec and its lock: fetches each locked .deb (checked against the
/// lock's SHA256), lays them into one reproducible layer and writes the image through any
/// <see cref="ImageTransports"/> destination. Nothing is written until every package is verified.
/// </summary>
public static class ImageBuilder
{
    public const string SpecDigestAnnotation = "dev.drydock.build.spec.digest";
    public const string LockDigestAnnotation = "dev.drydock.build.lock.digest";

    /// <summary>Builds <paramref name="spec"/> from <paramref name="buildLock"/> into <paramref name="output"/>.</summary>
    public static async Task<BuildResult> BuildAsync(BuildSpec spec, BuildLock buildLock, string output,
        BuildOptions options, CancellationToken cancellationToken = default)
    {
        var architecture = PackageLocker.SingleArchitecture(spec);
        var downloader = new DebDownloader(options.Http, options.CacheRoot);
        var debs = await downloader.DownloadAsync(buildLock.Packages.Select(Record).ToList(), null, cancellationToken)
            .ConfigureAwait(false);
        var assembler = new RootfsAssembler(spec.Paths);
        for (var i = 0; i < debs.Count; i++)
        {
            assembler.AddPackage(debs[i], buildLock.Packages[i]);
        }

        assembler.AddAccounts(spec);
        var layerPath = Path.Combine(Path.GetTempPath(), $"drydock-layer-{Guid.NewGuid():N}");
        try
        {
            var layer = await WriteLayerAsync(assembler, layerPath, cancellationToken).ConfigureAwait(false);

            var created = SourceDateEpoch.Resolve(assembler.Newest);
            var platform = new Platform { Architecture = architecture, Os = "linux" };
            var config = ConfigBuilder.AppendLayer(
                ConfigBuilder.Create(platform, created, Container(spec)), layer.DiffId,
                $"drydock build {Path.GetFileName(spec.Path)}", created);
            var manifest = ManifestBuilder.CreateManifest(config, [layer.Descriptor], Annotations(spec, buildLock, created));
            await WriteAsync(output, options.Transport, config, manifest, layer, layerPath, cancellationToken)
                .ConfigureAwait(false);
            return new BuildResult(manifest.Digest, buildLock.Packages);
        }
        finally
        {
            File.Delete(layerPath);
        }
    }

    private static async Task<BuiltLayer> WriteLayerAsync(RootfsAssembler assembler, string layerPath,
        CancellationToken cancellationToken)
    {
        var output = File.Create(layerPath);
        await using (output.ConfigureAwait(false))
        {
            return await assembler.ToLayer().WriteAsync(output, LayerCompression.Gzip, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(string output, ImageTransportOptions transport, byte[] config,
        RawManifest manifest, BuiltLayer layer, string layerPath, CancellationToken cancellationToken)
    {
        var destination = ImageTransports.OpenDestination(output, transport);
        await using (destination.ConfigureAwait(false))
        {
            var parsed = manifest.ParseManifest();
            await PutAsync(destination, parsed.Config, () => new MemoryStream(config, writable: false), cancellationToken)
                .ConfigureAwait(false);
            await PutAsync(destination, layer.Descriptor, () => File.OpenRead(layerPath), cancellationToken)
                .ConfigureAwait(false);
            await destination.PutRootManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
            await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task PutAsync(IImageDestination destination, Descriptor descriptor, Func<Stream> open,
        CancellationToken cancellationToken)
    {
        if (await destination.HasBlobAsync(descriptor, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var content = open();
        await using (content.ConfigureAwait(false))
        {
            await destination.PutBlobAsync(descriptor, content, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ContainerConfig Container(BuildSpec spec) => new()
    {
        User = spec.User,
        Env = spec.Environment.Count == 0
            ? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
            : spec.Environment.Select(p => $"{p.Key}={p.Value}").ToList(),
        Entrypoint = spec.Entrypoint,
        Cmd = spec.Cmd,
        WorkingDir = spec.Workdir,
        Labels = spec.Labels.Count == 0 ? null : spec.Labels,
    };

    private static SortedDictionary<string, string> Annotations(BuildSpec spec, BuildLock buildLock,
        DateTimeOffset created)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["org.opencontainers.image.created"] =
                created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            [SpecDigestAnnotation] = spec.Path is { Length: > 0 } && File.Exists(spec.Path)
                ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(spec.Path)))
                : "",
            [LockDigestAnnotation] = buildLock.Digest(),
        };
        foreach (var (key, value) in spec.Annotations)
        {
            annotations[key] = value;
        }

        return annotations;
    }

    // The downloader takes index records; a lock carries what it needs to fetch and check one.
    private static PackageRecord Record(LockedPackage package) => new()
    {
        Name = package.Name,
        Version = DebianVersion.Parse(package.Version),
        Architecture = package.Architecture,
        Source = package.Source,
        SourceVersion = DebianVersion.Parse(package.SourceVersion),
        Filename = package.Filename,
        Size = package.Size,
        Sha256 = package.Sha256,
        Release = new ReleaseInfo { ArchiveRoot = new Uri(package.Repository) },
    };
}
