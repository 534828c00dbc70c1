using Drydock.Images.Updates;
using Drydock.Oci;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt.Download;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Apt.Resolver;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Images.Patch;

/// <summary>
/// Patches a Debian-family image as <c>apt-get upgrade</c> followed by dpkg would, without a
/// daemon or root: finds the upgrades, downloads and verifies the packages, and writes one new
/// layer with their files and the updated dpkg database on top of the original layers.
/// </summary>
public sealed partial class ImagePatcher
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public ImagePatcher(HttpClient http, ILogger? logger = null)
    {
        _http = http;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Patches the image <paramref name="source"/> names and writes the result to
    /// <paramref name="destination"/>. Nothing is written when a check fails.
    /// </summary>
    /// <exception cref="UnsatisfiableDependencyException">A requested upgrade cannot be satisfied.</exception>
    /// <exception cref="InvalidOperationException">Scripts would run and <see cref="PatchOptions.StrictScripts"/> is set.</exception>
    public async Task<PatchResult> PatchAsync(
        IImageSource source, IImageDestination destination, PatchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        var root = await source.GetManifestAsync(cancellationToken).ConfigureAwait(false);
        if (root.IsIndex && options.Platform is null)
        {
            return await new IndexPatcher(this).PatchAsync(source, destination, root, options, cancellationToken)
                .ConfigureAwait(false);
        }

        var image = await ResolvedImage.LoadAsync(source, options.Platform, cancellationToken).ConfigureAwait(false);
        var (result, manifest) = await PatchImageAsync(source, destination, image, options, cancellationToken)
            .ConfigureAwait(false);
        if (manifest is null)
        {
            return await CopyUnchangedAsync(source, destination, result, options, cancellationToken).ConfigureAwait(false);
        }

        await destination.PutRootManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Patches one image and writes its blobs to the destination. Returns the new manifest for
    /// the caller to put and commit, or null when nothing needs an upgrade.
    /// </summary>
    internal async Task<(PatchResult Result, RawManifest? Manifest)> PatchImageAsync(
        IImageSource source,
        IImageDestination destination,
        ResolvedImage image,
        PatchOptions options,
        CancellationToken cancellationToken)
    {
        var clock = new StepClock();
        var replacing = PatchedImageBuilder.HasPatchLayer(image);
        var baseLayers = replacing ? image.Layers.Take(image.Layers.Count - 1).ToList() : image.Layers;
        var snapshot = await ImageSnapshot.ReadAsync(image, baseLayers, cancellationToken).ConfigureAwait(false);
        LogScanned(image.Manifest.Digest, baseLayers.Count, replacing);
        LogStep("read the image", clock.Lap());

        var targets = options.Targets;
        var changes = await ResolveAsync(image, snapshot, options, cancellationToken).ConfigureAwait(false);
        LogStep("resolve the upgrades", clock.Lap());
        IReadOnlyList<UnreachedTarget> unreached = targets is null ? [] : Unreached(targets, changes.Changes);
        var baseDigest = PatchedImageBuilder.RecordedValue(image, PatchedImageBuilder.BaseDigestAnnotation)
            is { } recorded && replacing ? Digest.Parse(recorded) : image.Manifest.Digest;
        var result = new PatchResult
        {
            BaseDigest = baseDigest,
            KeptBack = changes.KeptBack,
            Unreached = unreached,
            Distribution = snapshot.OsReleaseId(),
        };
        if (changes.Changes.Count == 0)
        {
            return (result, null);
        }

        var downloader = new DebDownloader(_http, Oci.Cache.CacheDirectory.Resolve(options.CacheRoot));
        var paths = await downloader.DownloadAsync([.. changes.Changes.Select(c => c.Record)], null, cancellationToken)
            .ConfigureAwait(false);
        LogStep("download the packages", clock.Lap());
        using var spool = new ContentSpool(Path.GetTempPath());
        var debs = ReadPackages(paths, [.. changes.Changes.Select(c => c.Record)], spool, cancellationToken);
        LogStep("read the packages", clock.Lap());
        var time = options.Timestamp ?? debs.SelectMany(d => d.Data).Max(e => e.ModificationTime);
        var planner = new PatchLayerPlanner(snapshot, time);
        var packages = new List<PatchedPackage>();
        for (var i = 0; i < debs.Count; i++)
        {
            var change = changes.Changes[i];
            planner.Add(new PackageUpgrade(change.Name, change.Architecture, change.Record.MultiArch == MultiArch.Same, debs[i]));
            var cves = change.From is { } from ? ChangelogCves.Find(debs[i], change.Name, from) : [];
            packages.Add(new PatchedPackage(change.Name, change.Architecture, change.From, change.To, change.NeededBy, cves));
        }

        var items = planner.Finish();
        if (options.StrictScripts && planner.ScriptsNotRun.Count > 0)
        {
            throw new InvalidOperationException(
                $"The new packages have maintainer scripts that Drydock does not run: "
                + $"'{string.Join("', '", planner.ScriptsNotRun)}'. Drop --strict-scripts to patch anyway.");
        }

        foreach (var diagnostic in planner.ScriptDiagnostics)
        {
            LogScriptDiagnostic(diagnostic.Path, diagnostic.Message);
        }

        LogStep("plan the layer", clock.Lap());
        using var layer = PatchLayerWriter.Write(items, Path.GetTempPath(), cancellationToken);
        PatchLayerReadBack.Verify(layer, cancellationToken);
        LogStep("write the layer", clock.Lap());
        var manifest = await WriteAsync(
            source, destination, image, replacing, layer, time, packages, planner, baseDigest, cancellationToken)
            .ConfigureAwait(false);
        LogStep("write the image", clock.Lap());
        return (result with
        {
            ManifestDigest = manifest.Digest,
            Packages = packages,
            ScriptsNotRun = planner.ScriptsNotRun,
            ScriptsReplaced = planner.ScriptsReplaced,
            DpkgDistFiles = planner.DpkgDistFiles,
            KeptDirectories = planner.KeptDirectories,
            ReplacedPreviousPatch = replacing,
            Fixed = FixedVulnerabilities(packages, targets, unreached),
        }, manifest);
    }

    // Decompressing the packages is most of the work, and each is independent of the others.
    // The error of the first failing package in download order is raised, keeping its type as the
    // category and naming the package, so the same input fails the same way on every run.
    private static List<DebFile> ReadPackages(IReadOnlyList<string> paths, IReadOnlyList<PackageRecord> records,
        ContentSpool spool, CancellationToken cancellationToken)
    {
        var debs = new DebFile?[paths.Count];
        var errors = new Exception?[paths.Count];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, paths.Count, parallel, i =>
        {
            try
            {
                debs[i] = DebFile.Read(paths[i], spool, ImageSnapshot.IsKept);
            }
            catch (Exception error) when (error is InvalidDataException or IOException)
            {
                var message = $"The package '{records[i].Name}' {records[i].Version} ({records[i].Architecture}) "
                    + $"cannot be installed: {error.Message}";
                errors[i] = error is InvalidDataException
                    ? new InvalidDataException(message, error)
                    : new IOException(message, error);
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first)
        {
            throw first;
        }

        return [.. debs.Select(d => d!)];
    }

    private async Task<ResolutionResult> ResolveAsync(
        ResolvedImage image, ImageSnapshot snapshot, PatchOptions options, CancellationToken cancellationToken)
    {
        var planner = new ImageUpgradePlanner(_http, _logger);
        var plan = await planner.PlanAsync(image, snapshot, options, cancellationToken).ConfigureAwait(false);
        IReadOnlyCollection<string>? requested = options.Targets is { } targets
            ? [.. targets.Select(t => t.Package).Distinct().Where(n => plan.Universe.Installed.Keys.Any(k => k.Name == n))]
            : options.Packages;
        if (requested is null)
        {
            return plan.Upgrade;
        }

        if (requested.Count == 0)
        {
            return new ResolutionResult([], []);
        }

        foreach (var name in requested.Where(n => !plan.Universe.Installed.Keys.Any(k => k.Name == n)))
        {
            throw new ArgumentException(
                $"The package '{name}' is not installed in the image, so it cannot be upgraded. "
                + "Name installed packages with --packages.", nameof(options));
        }

        var result = new DependencyResolver(plan.Universe).Upgrade(requested);
        if (result.KeptBack.FirstOrDefault() is { } blocked)
        {
            var chain = blocked.Chain.Count > 0 ? blocked.Chain : [$"{blocked.Name} {blocked.Candidate}"];
            throw new UnsatisfiableDependencyException(
                chain,
                $"Cannot upgrade '{blocked.Name}' to '{blocked.Candidate}': {string.Join(" -> ", chain)}. "
                + "Add a repository that provides the missing package, or leave it out of --packages.");
        }

        return result;
    }

    // A target is reached when the new version of its package comes from a source version at
    // least as new as the fixed one, the version the security tracker names.
    private static List<UnreachedTarget> Unreached(IReadOnlyList<PatchTarget> targets, IReadOnlyList<PackageChange> changes)
    {
        var unreached = new List<UnreachedTarget>();
        foreach (var target in targets)
        {
            var change = changes.FirstOrDefault(c => c.Name == target.Package);
            if (change is null)
            {
                unreached.Add(new UnreachedTarget(target, null, "no newer version in the repositories, or not installed"));
            }
            else if (change.Record.SourceVersion < target.FixedVersion && change.To < target.FixedVersion)
            {
                unreached.Add(new UnreachedTarget(target, change.To, "the newest version is older than the fix"));
            }
        }

        return unreached;
    }

    private static List<(string, string)> FixedVulnerabilities(
        IReadOnlyList<PatchedPackage> packages, IReadOnlyList<PatchTarget>? targets, IReadOnlyList<UnreachedTarget> unreached)
    {
        var found = targets is null
            ? packages.SelectMany(p => p.Cves.Select(cve => (cve, p.Name)))
            : targets.Where(t => !unreached.Any(u => u.Target == t)).Select(t => (t.Vulnerability, t.Package));
        return [.. found.Distinct().Order()];
    }

    /// <summary>Copies the image unchanged when the options request a copy, else writes nothing.</summary>
    internal static async Task<PatchResult> CopyUnchangedAsync(
        IImageSource source,
        IImageDestination destination,
        PatchResult result,
        PatchOptions options,
        CancellationToken cancellationToken)
    {
        if (!options.CopyWhenNothingToPatch)
        {
            return result;
        }

        var copy = await ImageCopier.CopyAsync(source, destination, new CopyOptions(), cancellationToken)
            .ConfigureAwait(false);
        return result with { ManifestDigest = copy.Root.Digest };
    }

    private static async Task<RawManifest> WriteAsync(
        IImageSource source,
        IImageDestination destination,
        ResolvedImage image,
        bool replacing,
        PatchLayer layer,
        DateTimeOffset time,
        IReadOnlyList<PatchedPackage> packages,
        PatchLayerPlanner planner,
        Digest baseDigest,
        CancellationToken cancellationToken)
    {
        var createdBy = PatchedImageBuilder.HistoryPrefix + " " + string.Join(", ", packages);
        var notes = new List<string>();
        if (planner.ScriptsReplaced.Count > 0)
        {
            notes.Add("regenerated natively: " + string.Join(", ", planner.ScriptsReplaced));
        }

        if (planner.ScriptsNotRun.Count > 0)
        {
            notes.Add("maintainer scripts not run: " + string.Join(", ", planner.ScriptsNotRun));
        }

        var comment = notes.Count == 0 ? null : string.Join("; ", notes);
        var upgrades = string.Join(",", packages.Select(p => $"{p.Name}={p.To}"));
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PatchedImageBuilder.BaseDigestAnnotation] = baseDigest.ToString(),
            [PatchedImageBuilder.LayerAnnotation] = layer.Digest.ToString(),
            [PatchedImageBuilder.UpgradesAnnotation] = upgrades,
        };
        var configBytes = PatchedImageBuilder.BuildConfig(image, replacing, layer, time, createdBy, comment, labels);
        var config = new Descriptor
        {
            MediaType = image.ParsedManifest.Config.MediaType,
            Digest = Digest.Compute(configBytes),
            Size = configBytes.Length,
        };
        var manifest = PatchedImageBuilder.BuildManifest(image, replacing, layer, config, baseDigest, upgrades);

        var baseLayers = replacing ? image.ParsedManifest.Layers.SkipLast(1) : image.ParsedManifest.Layers;
        foreach (var blob in baseLayers)
        {
            if (!await destination.HasBlobAsync(blob, cancellationToken).ConfigureAwait(false))
            {
                await using var content = await source.OpenBlobAsync(blob, cancellationToken).ConfigureAwait(false);
                await destination.PutBlobAsync(blob, content, cancellationToken).ConfigureAwait(false);
            }
        }

        var layerDescriptor = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = layer.Digest, Size = layer.Size };
        await using (var content = File.OpenRead(layer.FilePath))
        {
            await destination.PutBlobAsync(layerDescriptor, content, cancellationToken).ConfigureAwait(false);
        }

        await destination.PutBlobAsync(config, new MemoryStream(configBytes), cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Read image {Digest}: {Layers} base layers, previous patch layer replaced: {Replacing}")]
    private partial void LogScanned(Digest digest, int layers, bool replacing);

    private void LogStep(string step, (long Wall, long Cpu) elapsed) => LogStep(step, elapsed.Wall, elapsed.Cpu);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Patch step '{Step}' took {Milliseconds} ms, {CpuMilliseconds} ms of CPU time in the process")]
    private partial void LogStep(string step, long milliseconds, long cpuMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Maintainer script replacement skipped {Path}: {Reason}")]
    private partial void LogScriptDiagnostic(string path, string reason);
}
