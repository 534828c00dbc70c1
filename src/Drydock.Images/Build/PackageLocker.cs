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
/// does, then installs the closure of the requested packages with the exclude list.
/// </summary>
public static class PackageLocker
{
    /// <summary>Resolves <paramref name="spec"/> against its repositories, now.</summary>
    /// <exception cref="UnsatisfiableDependencyException">A package cannot be installed.</exception>
    public static async Task<BuildLock> LockAsync(BuildSpec spec, HttpClient http, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        var architecture = SingleArchitecture(spec);
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
        var universe = new PackageUniverse(
            suites.SelectMany(s => s.Packages), [], new CandidatePolicy([]), architecture);
        var resolution = new DependencyResolver(universe)
            .Install(spec.Packages, spec.Exclude.ToHashSet(StringComparer.Ordinal));
        var packages = resolution.Changes
            .Select(c => Lock(c.Record))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Architecture, StringComparer.Ordinal)
            .ToList();
        return new BuildLock { Inputs = LockInputs.From(spec), Packages = packages };
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

    /// <summary>The one architecture of a spec.</summary>
    // TODO: several architectures should give one multi-platform index; only one is built.
    internal static string SingleArchitecture(BuildSpec spec) => spec.Architectures is [var single]
        ? single
        : throw new NotSupportedException(
            $"The spec '{spec.Path}' lists {spec.Architectures.Count} architectures "
            + $"('{string.Join(", ", spec.Architectures)}'); this Drydock builds one. List one architecture.");

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
