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

/// <summary>One image of a build: its platform, manifest and the packages laid in.</summary>
public sealed record BuiltImage(string Architecture, Platform Platform, RawManifest Manifest,
    IReadOnlyList<LockedPackage> Packages);

/// <summary>
/// What a build wrote: the root manifest (an image manifest for one architecture, an OCI image
/// index for several) and each image.
/// </summary>
public sealed record BuildResult(RawManifest Root, IReadOnlyList<BuiltImage> Images)
{
    public Digest Manifest => Root.Digest;

    /// <summary>Every locked package, once.</summary>
    public IReadOnlyList<LockedPackage> Packages => Images.SelectMany(i => i.Packages).Distinct().ToList();
}

/// <summary>How a build fetches packages and where it writes.</summary>
public sealed record BuildOptions
{
    public required HttpClient Http { get; init; }

    /// <summary>The cache directory for .deb files; null takes the default of <see cref="Oci.Cache.CacheDirectory"/>.</summary>
    public string? CacheRoot { get; init; }

    public ImageTransportOptions Transport { get; init; } = new();

    public BuildLayering Layering { get; init; } = BuildLayering.Single;
}

/// <summary>
/// Builds an image from a spec and its lock: fetches each locked .deb (checked against the
/// lock's SHA256), lays them into reproducible layers and writes the image through any
/// <see cref="ImageTransports"/> destination, one image per architecture under an OCI image
/// index when the spec lists several. Nothing is written until every package is verified.
/// </summary>
public static class ImageBuilder
{
    public const string SpecDigestAnnotation = "dev.drydock.build.spec.digest";
    public const string LockDigestAnnotation = "dev.drydock.build.lock.digest";

    /// <summary>Builds <paramref name="spec"/> from <paramref name="buildLock"/> into <paramref name="output"/>.</summary>
    /// <exception cref="InvalidDataException">The lock holds no package for an architecture of the spec.</exception>
    public static async Task<BuildResult> BuildAsync(BuildSpec spec, BuildLock buildLock, string output,
        BuildOptions options, CancellationToken cancellationToken = default)
    {
        var downloader = new DebDownloader(options.Http, Oci.Cache.CacheDirectory.Resolve(options.CacheRoot));
        var debs = await downloader.DownloadAsync(buildLock.Packages.Select(Record).ToList(), null, cancellationToken)
            .ConfigureAwait(false);
        var temporary = Directory.CreateTempSubdirectory("drydock-build-");
        try
        {
            var images = new List<(BuiltImage Image, byte[] Config, IReadOnlyList<(BuiltLayer, string)> Layers)>();
            foreach (var architecture in spec.Architectures)
            {
                var indexes = Enumerable.Range(0, debs.Count).Where(i => buildLock.Packages[i].IsFor(architecture))
                    .ToList();
                if (indexes.Count == 0)
                {
                    throw new InvalidDataException(
                        $"The lock of '{spec.Path}' holds no package for '{architecture}'. Run 'drydock lock'.");
                }

                var assembler = new RootfsAssembler(spec.Paths);
                foreach (var i in indexes)
                {
                    assembler.AddPackage(debs[i], buildLock.Packages[i]);
                }

                assembler.AddAccounts(spec);
                images.Add(await AssembleAsync(spec, buildLock, architecture, assembler, indexes.Select(i =>
                    buildLock.Packages[i]).ToList(), options.Layering, temporary.FullName, cancellationToken)
                    .ConfigureAwait(false));
            }

            var root = images is [var single]
                ? single.Image.Manifest
                : ManifestBuilder.CreateIndex(images.Select(i => (i.Image.Manifest, i.Image.Platform)));
            await WriteAsync(output, options.Transport, images, root, cancellationToken).ConfigureAwait(false);
            return new BuildResult(root, images.Select(i => i.Image).ToList());
        }
        finally
        {
            temporary.Delete(recursive: true);
        }
    }

    private static async Task<(BuiltImage, byte[], IReadOnlyList<(BuiltLayer, string)>)> AssembleAsync(
        BuildSpec spec, BuildLock buildLock, string architecture, RootfsAssembler assembler,
        IReadOnlyList<LockedPackage> packages, BuildLayering layering, string directory,
        CancellationToken cancellationToken)
    {
        var created = SourceDateEpoch.Resolve(assembler.Newest);
        var platform = DebianArchitectures.ToPlatform(architecture, spec.Path);
        var config = ConfigBuilder.Create(platform, created, Container(spec));
        var layers = new List<(BuiltLayer, string)>();
        foreach (var layer in assembler.ToLayers(layering))
        {
            var layerPath = Path.Combine(directory, $"{architecture}-{layers.Count}.tar.gz");
            var built = await WriteLayerAsync(layer, layerPath, cancellationToken).ConfigureAwait(false);
            config = ConfigBuilder.AppendLayer(config, built.DiffId,
                $"drydock build {Path.GetFileName(spec.Path)}", created);
            layers.Add((built, layerPath));
        }

        var manifest = ManifestBuilder.CreateManifest(config, layers.Select(l => l.Item1.Descriptor).ToList(),
            Annotations(spec, buildLock, created));
        return (new BuiltImage(architecture, platform, manifest, packages), config, layers);
    }

    private static async Task<BuiltLayer> WriteLayerAsync(LayerBuilder layer, string layerPath,
        CancellationToken cancellationToken)
    {
        var output = File.Create(layerPath);
        await using (output.ConfigureAwait(false))
        {
            return await layer.WriteAsync(output, LayerCompression.Gzip, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(string output, ImageTransportOptions transport,
        IReadOnlyList<(BuiltImage Image, byte[] Config, IReadOnlyList<(BuiltLayer Layer, string Path)> Layers)> images,
        RawManifest root, CancellationToken cancellationToken)
    {
        var destination = ImageTransports.OpenDestination(output, transport);
        await using (destination.ConfigureAwait(false))
        {
            foreach (var (image, config, layers) in images)
            {
                var parsed = image.Manifest.ParseManifest();
                await PutAsync(destination, parsed.Config, () => new MemoryStream(config, writable: false),
                    cancellationToken).ConfigureAwait(false);
                foreach (var (layer, path) in layers)
                {
                    await PutAsync(destination, layer.Descriptor, () => File.OpenRead(path), cancellationToken)
                        .ConfigureAwait(false);
                }

                if (root != image.Manifest)
                {
                    await destination.PutManifestAsync(image.Manifest, cancellationToken).ConfigureAwait(false);
                }
            }

            await destination.PutRootManifestAsync(root, cancellationToken).ConfigureAwait(false);
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
