using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Candidates;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Apt.Resolver;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;
using Microsoft.Extensions.Logging;

namespace Drydock.Images.Build;

/// <summary>
/// Resolves a spec's packages to a lock: loads and verifies its repositories as apt-get update
/// does, then installs the closure of the requested packages for each architecture.
/// </summary>
/// <remarks>
/// An excluded package is never installed, and a dependency on it counts as met, as when the
/// package is present already: distroless images leave out debconf and the packages it pulls
/// in although ca-certificates and tzdata depend on it.
/// </remarks>
public static class PackageLocker
{
    /// <summary>Resolves <paramref name="spec"/> against its repositories, now, to the newest candidates.</summary>
    /// <exception cref="UnsatisfiableDependencyException">A package cannot be installed.</exception>
    public static async Task<BuildLock> LockAsync(BuildSpec spec, HttpClient http, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        var excluded = spec.Exclude.ToHashSet(StringComparer.Ordinal);
        if (spec.Packages.FirstOrDefault(excluded.Contains) is { } both)
        {
            throw new InvalidDataException(
                $"The spec '{spec.Path}' both requests and excludes the package '{both}'. Remove it from one list.");
        }

        var packages = new Dictionary<(string, string, string), (LockedPackage Package, List<string> For)>();
        foreach (var architecture in spec.Architectures)
        {
            DebianArchitectures.ToPlatform(architecture, spec.Path);
            foreach (var record in await ResolveAsync(spec, architecture, excluded, http, logger, cancellationToken)
                .ConfigureAwait(false))
            {
                var key = (record.Name, record.Version.ToString(), record.Architecture);
                if (!packages.TryGetValue(key, out var entry))
                {
                    entry = (Lock(record), []);
                    packages[key] = entry;
                }

                entry.For.Add(architecture);
            }
        }

        var locked = packages.Values
            .Select(p => p.Package with { ImageArchitectures = p.For.Order(StringComparer.Ordinal).ToList() })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Architecture, StringComparer.Ordinal)
            .ThenBy(p => p.Version, StringComparer.Ordinal)
            .ToList();
        return new BuildLock { Inputs = LockInputs.From(spec), Packages = locked };
    }

    /// <summary>
    /// Writes the lock file of <paramref name="spec"/> and returns it with whether it changed. An
    /// existing lock made from the spec's inputs is kept unless <paramref name="update"/> asks
    /// for the newest candidates; a lock of other inputs is resolved afresh.
    /// </summary>
    public static async Task<(BuildLock Lock, bool Changed)> WriteLockFileAsync(BuildSpec spec, HttpClient http,
        bool update, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var lockPath = BuildLock.PathFor(spec.Path);
        BuildLock? existing = File.Exists(lockPath) ? BuildLock.Read(lockPath) : null;
        if (!update && existing is not null && existing.Matches(spec))
        {
            return (existing, false);
        }

        // NOTE: a changed spec is resolved afresh, so packages it still needs may move to newer
        // versions too; the previous lock's versions are not preferred.
        var fresh = await LockAsync(spec, http, logger, cancellationToken).ConfigureAwait(false);
        var changed = existing is null || !existing.ToBytes().AsSpan().SequenceEqual(fresh.ToBytes());
        if (changed)
        {
            fresh.Write(lockPath);
        }

        return (fresh, changed);
    }

    /// <summary>
    /// The lock a build uses: the spec's lock file when it exists (refused when it was made from
    /// other inputs), else a fresh resolution that is not written.
    /// </summary>
    /// <exception cref="InvalidDataException">The lock file is malformed or stale.</exception>
    public static async Task<BuildLock> ForBuildAsync(BuildSpec spec, HttpClient http, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        var lockPath = BuildLock.PathFor(spec.Path);
        if (!File.Exists(lockPath))
        {
            return await LockAsync(spec, http, logger, cancellationToken).ConfigureAwait(false);
        }

        var buildLock = BuildLock.Read(lockPath);
        buildLock.EnsureMatches(spec, lockPath);
        return buildLock;
    }

    private static async Task<IEnumerable<PackageRecord>> ResolveAsync(BuildSpec spec, string architecture,
        HashSet<string> excluded, HttpClient http, ILogger? logger, CancellationToken cancellationToken)
    {
        var keyring = KeyringPath(spec);
        var sources = spec.Repositories.SelectMany(r => r.Suites.Select(suite => new AptSource
        {
            IsBinary = true,
            BaseUri = r.Uri,
            Suite = suite,
            Components = r.Components,
            Architectures = [architecture],
            SignedBy = new SignedBy { KeyringPaths = [keyring] },
            Location = spec.Path,
        })).ToList();
        var client = new AptClient(http, new AptOptions { Architecture = architecture }, logger);
        var suites = await client.LoadAsync([], sources, null, Keyring.Empty, cancellationToken).ConfigureAwait(false);
        var available = suites.SelectMany(s => s.Packages).ToList();

        // Excluded packages stand in as installed ones, so the resolver counts them as present.
        var present = available.Where(r => excluded.Contains(r.Name)
                && (r.Architecture == architecture || r.Architecture == "all"))
            .GroupBy(r => r.Name)
            .Select(g => g.MaxBy(r => r.Version)!);
        var universe = new PackageUniverse(available, present, new CandidatePolicy([]), architecture);
        // A built image is minimal, as distroless images are: Recommends are left out.
        var resolution = new DependencyResolver(universe, installRecommends: false).Install(spec.Packages, excluded);
        return resolution.Changes.Select(c => c.Record).Where(r => !excluded.Contains(r.Name));
    }

    private static string KeyringPath(BuildSpec spec)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(spec.Path is "" ? "." : spec.Path)) ?? ".";
        var path = Path.GetFullPath(spec.Keyring, directory);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"The keyring '{path}' named by the spec '{spec.Path}' does not exist. Install "
                + "debian-archive-keyring or set 'keyring' to the archive's key file.", path);
    }

    private static LockedPackage Lock(PackageRecord record)
    {
        var root = record.Release?.ArchiveRoot
            ?? throw new InvalidOperationException($"The package '{record}' has no archive root.");
        if (record.Sha256 is not { Length: 64 } sha256 || record.Filename is not { } filename)
        {
            throw new InvalidDataException(
                $"The Packages stanza of '{record}' has no SHA256 or Filename, so it cannot be locked.");
        }

        return new LockedPackage
        {
            Name = record.Name,
            Version = record.Version.ToString(),
            Architecture = record.Architecture,
            Sha256 = sha256.ToLowerInvariant(),
            Size = record.Size,
            Source = record.Source,
            SourceVersion = record.SourceVersion.ToString(),
            Repository = root.ToString(),
            Filename = filename,
            Url = new Uri(root, filename).ToString(),
        };
    }
}
