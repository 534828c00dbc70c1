using Drydock.Oci.Cache;
using Drydock.Oci.Model;
using Drydock.Oci.Registry;

namespace Drydock.Oci.Transports;

/// <summary>What <see cref="ImageCopier"/> copies and where it reports progress.</summary>
public sealed record CopyOptions
{
    /// <summary>The platform to pick from an index; null means the host's.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Whether to copy every manifest of an index and the index itself.</summary>
    public bool AllPlatforms { get; init; }

    /// <summary>
    /// The blob cache that network blobs are spooled into before an upload to a registry, so
    /// that a failed upload can be sent again. Null streams them straight through.
    /// </summary>
    public BlobCache? Cache { get; init; }

    /// <summary>Blobs copied at the same time.</summary>
    public int MaxParallelBlobs { get; init; } = 4;

    /// <summary>Receives blob events, possibly from several threads at once.</summary>
    public IProgress<BlobProgress>? Progress { get; init; }
}

/// <summary>The state of one blob during a copy.</summary>
public enum BlobState
{
    Started,
    Transferring,
    Skipped,
    Done,
}

/// <summary>A progress event: a blob and how many of its bytes have been copied.</summary>
public sealed record BlobProgress(Descriptor Descriptor, BlobState State, long Bytes);

/// <summary>What a copy wrote: the root manifest and the blob counts.</summary>
public sealed record CopyResult(RawManifest Root, int BlobsCopied, int BlobsSkipped, long BytesCopied);

/// <summary>
/// Copies an image between any source and destination: one platform of an index by default,
/// or the whole index. Manifests, indexes and configs are written as the bytes read, so
/// digests do not change.
/// </summary>
public static class ImageCopier
{
    public static async Task<CopyResult> CopyAsync(
        IImageSource source, IImageDestination destination, CopyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);

        var counters = new Counters();
        var root = await source.GetManifestAsync(cancellationToken).ConfigureAwait(false);
        if (root.IsIndex && !options.AllPlatforms)
        {
            root = await ManifestResolver.SelectPlatformAsync(
                source, root, options.Platform ?? Platform.Host, cancellationToken).ConfigureAwait(false);
        }

        await CopyTreeAsync(source, destination, root, options, counters, cancellationToken).ConfigureAwait(false);
        await destination.PutRootManifestAsync(root, cancellationToken).ConfigureAwait(false);
        await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CopyResult(root, counters.Copied, counters.Skipped, counters.Bytes);
    }

    // Copies what a manifest or index refers to, children before parents, so that a registry
    // never receives a manifest whose blobs are missing.
    private static async Task CopyTreeAsync(
        IImageSource source,
        IImageDestination destination,
        RawManifest manifest,
        CopyOptions options,
        Counters counters,
        CancellationToken cancellationToken)
    {
        if (manifest.IsIndex)
        {
            foreach (var child in manifest.ParseIndex().Manifests)
            {
                var childManifest = await source.GetManifestAsync(child, cancellationToken).ConfigureAwait(false);
                await CopyTreeAsync(source, destination, childManifest, options, counters, cancellationToken)
                    .ConfigureAwait(false);
                await destination.PutManifestAsync(childManifest, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var image = manifest.ParseManifest();
        var blobs = new[] { image.Config }.Concat(image.Layers).DistinctBy(d => d.Digest).ToList();
        await Parallel.ForEachAsync(
            blobs,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelBlobs, CancellationToken = cancellationToken },
            (blob, ct) => new ValueTask(CopyBlobAsync(source, destination, blob, options, counters, ct)))
            .ConfigureAwait(false);
    }

    private static async Task CopyBlobAsync(
        IImageSource source,
        IImageDestination destination,
        Descriptor blob,
        CopyOptions options,
        Counters counters,
        CancellationToken cancellationToken)
    {
        if (await destination.HasBlobAsync(blob, cancellationToken).ConfigureAwait(false))
        {
            counters.Skip();
            options.Progress?.Report(new BlobProgress(blob, BlobState.Skipped, blob.Size));
            return;
        }

        options.Progress?.Report(new BlobProgress(blob, BlobState.Started, 0));
        var content = await source.OpenBlobAsync(blob, cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            var sendable = await MakeReplayableAsync(content, destination, blob, options, cancellationToken)
                .ConfigureAwait(false);
            await using (sendable.ConfigureAwait(false))
            {
                var counted = options.Progress is null ? sendable : new ProgressStream(sendable, blob, options.Progress);
                await destination.PutBlobAsync(blob, counted, cancellationToken).ConfigureAwait(false);
            }
        }

        counters.Copy(blob.Size);
        options.Progress?.Report(new BlobProgress(blob, BlobState.Done, blob.Size));
    }

    // A registry upload that fails can only be sent again from a seekable stream, so content
    // from the network is spooled into the blob cache first and sent from there.
    private static async Task<Stream> MakeReplayableAsync(
        Stream content,
        IImageDestination destination,
        Descriptor blob,
        CopyOptions options,
        CancellationToken cancellationToken)
    {
        if (content.CanSeek || options.Cache is null || destination is not RegistryDestination)
        {
            return content;
        }

        await options.Cache.AddAsync(blob, content, destination.Name, cancellationToken).ConfigureAwait(false);
        return options.Cache.TryOpen(blob)
            ?? throw new IOException($"Blob '{blob.Digest}' vanished from the cache '{options.Cache.Root}'.");
    }

    private sealed class Counters
    {
        private int _copied;
        private int _skipped;
        private long _bytes;

        public int Copied => _copied;

        public int Skipped => _skipped;

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Copy(long size)
        {
            Interlocked.Increment(ref _copied);
            Interlocked.Add(ref _bytes, size);
        }

        public void Skip() => Interlocked.Increment(ref _skipped);
    }
}
