using System.Collections.Concurrent;

namespace Drydock.Oci.Registry;

/// <summary>
/// The repositories of one registry that this process has seen containing each blob: those
/// whose manifests it read, where it found the blob present, or where it pushed the blob. A
/// push to another repository of the same registry can then mount the blob instead of sending it.
/// </summary>
internal sealed class KnownBlobs
{
    // A few repositories per blob are enough to find one to mount from. The limit keeps a
    // long-running process that reads many repositories from growing without bound.
    private const int MaxRepositoriesPerBlob = 8;

    private readonly ConcurrentDictionary<Digest, ConcurrentDictionary<string, byte>> _repositories = new();

    public void Add(Digest digest, string repository)
    {
        var repositories = _repositories.GetOrAdd(digest, _ => new(StringComparer.Ordinal));
        if (repositories.Count < MaxRepositoriesPerBlob)
        {
            repositories.TryAdd(repository, 0);
        }
    }

    /// <summary>Returns the repositories other than <paramref name="except"/> known to contain the blob.</summary>
    public IReadOnlyList<string> RepositoriesWith(Digest digest, string except) =>
        _repositories.TryGetValue(digest, out var repositories)
            ? repositories.Keys.Where(r => r != except).Order(StringComparer.Ordinal).ToList()
            : [];
}
