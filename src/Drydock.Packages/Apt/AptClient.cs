using Drydock.Packages.Apt.Candidates;
using Drydock.Packages.Apt.Download;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Apt.Resolver;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;
using Drydock.Packages.Inventory;
using Drydock.Packages.Versions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Packages.Apt;

/// <summary>What to check for updates: a root, and optionally more repositories and keys.</summary>
public sealed record AptUpdateRequest
{
    /// <summary>The files of the image or directory whose packages are checked.</summary>
    public required IRootFileSystem Root { get; init; }

    /// <summary>Read the root's own sources.list and sources.list.d (on by default).</summary>
    public bool UseRootSources { get; init; } = true;

    /// <summary>More entries, such as <c>--repo</c> values; their Signed-By paths are host paths.</summary>
    public IReadOnlyList<AptSource> ExtraSources { get; init; } = [];

    /// <summary>Host keyrings trusted for sources without Signed-By, beside the root's trusted.gpg.d.</summary>
    public IReadOnlyList<Keyring> ExtraKeyrings { get; init; } = [];
}

/// <summary>
/// One line of <c>apt list --upgradable</c>: an installed package with a newer candidate. The
/// architecture is the candidate's own, <c>all</c> included, as apt prints it.
/// </summary>
public sealed record UpgradablePackage(
    string Name, string Architecture, DebianVersion Installed, DebianVersion Candidate, string Suite)
{
    /// <summary>The Origin field of the candidate's Release file, or null when it has none.</summary>
    public string? Origin { get; init; }
}

/// <summary>The upgradable packages of a root, the resolved upgrade and the data behind them.</summary>
public sealed record AptUpgradePlan(
    IReadOnlyList<UpgradablePackage> Upgradable,
    ResolutionResult Upgrade,
    PackageUniverse Universe,
    IReadOnlyList<LoadedSuite> Suites);

/// <summary>
/// Entry point of the APT client: loads and verifies repositories as apt-get update does,
/// picks candidates as apt does and resolves upgrades, without running apt.
/// </summary>
public sealed partial class AptClient
{
    private readonly AptFetcher _fetcher;
    private readonly AptOptions _options;
    private readonly ILogger _logger;

    public AptClient(HttpClient http, AptOptions? options = null, ILogger? logger = null)
    {
        _fetcher = new AptFetcher(http);
        _options = options ?? new AptOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Loads every binary source entry (deb-src entries are skipped), verifying each Release
    /// and index. Keys come from <paramref name="root"/> for the root's own entries.
    /// </summary>
    public async Task<IReadOnlyList<LoadedSuite>> LoadAsync(
        IReadOnlyList<AptSource> rootSources,
        IReadOnlyList<AptSource> extraSources,
        IRootFileSystem? root,
        Keyring extraKeys,
        CancellationToken cancellationToken = default)
    {
        var reader = new RepositoryReader(_fetcher, _options, _logger);
        var rootKeys = new KeySelection(root, extraKeys);
        var hostKeys = new KeySelection(null, extraKeys);
        var tasks = new List<Task<LoadedSuite>>();
        foreach (var listed in rootSources.Where(s => s.IsBinary))
        {
            var source = RootSource(listed);
            var (keys, fingerprints) = rootKeys.For(source, path => root?.OpenRead(path));
            tasks.Add(LoadRootSourceAsync(reader, listed, source, keys, fingerprints, cancellationToken));
        }

        foreach (var source in extraSources.Where(s => s.IsBinary))
        {
            var (keys, fingerprints) = hostKeys.For(source, path => File.Exists(path) ? File.OpenRead(path) : null);
            tasks.Add(reader.LoadAsync(source, keys, fingerprints, cancellationToken));
        }

        var suites = await Task.WhenAll(tasks);
        foreach (var suite in suites.Where(s => s.Problems.Count > 0))
        {
            LogSkippedStanzas(suite.Source.ToString(), suite.Problems.Count, string.Join("; ", suite.Problems.Take(3)));
        }

        return suites;
    }

    private AptSource RootSource(AptSource listed)
    {
        if (!listed.Trusted || _options.AllowRootTrustedSources)
        {
            return listed;
        }

        LogRootTrustedIgnored(listed.ToString());
        return listed with { Trusted = false };
    }

    // The root's sources are the image's choice, not the user's, so the error names the CLI
    // option that leaves them out. The message reaches the user unchanged.
    private static async Task<LoadedSuite> LoadRootSourceAsync(
        RepositoryReader reader, AptSource listed, AptSource source, Keyring keys,
        IReadOnlyList<string> fingerprints, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.LoadAsync(source, keys, fingerprints, cancellationToken);
        }
        catch (AptSignatureException error)
        {
            var trusted = listed.Trusted && !source.Trusted
                ? " The image marks it trusted=yes, which Drydock ignores for the image's own sources "
                    + "unless --allow-image-trusted-sources is given."
                : "";
            throw new AptSignatureException(
                error.Location, error.KeyIds,
                $"{error.Message} The source '{listed}' comes from the image's own sources.list.{trusted} "
                + "Give --no-image-sources to use only --repo entries, with --keyring for their keys.");
        }
    }

    /// <summary>
    /// Lists the upgrades available to a root, like <c>apt list --upgradable</c>, and resolves
    /// the upgrade as <c>apt-get upgrade --with-new-pkgs</c> would.
    /// </summary>
    public async Task<AptUpgradePlan> PlanUpgradesAsync(AptUpdateRequest request, CancellationToken cancellationToken = default)
    {
        var rootSources = request.UseRootSources ? ImageSources.Read(request.Root) : [];
        var extraKeys = request.ExtraKeyrings.Aggregate(Keyring.Empty, (a, b) => a.Concat(b));
        var suites = await LoadAsync(rootSources, request.ExtraSources, request.Root, extraKeys, cancellationToken);
        var universe = BuildUniverse(request.Root, suites);
        var upgradable = new List<UpgradablePackage>();
        foreach (var ((name, arch), installed) in universe.Installed.OrderBy(p => p.Key))
        {
            if (universe.Candidate(name, arch) is { Record: { } record } choice && choice.Version > installed.Version)
            {
                var suite = record.Release?.SourceSuite ?? "";
                upgradable.Add(new UpgradablePackage(name, record.Architecture, installed.Version, choice.Version, suite)
                {
                    Origin = record.Release?.Origin,
                });
            }
        }

        var upgrade = new DependencyResolver(universe).Upgrade();
        return new AptUpgradePlan(upgradable, upgrade, universe, suites);
    }

    /// <summary>
    /// Builds the universe of a root's installed packages and loaded suites, with its preferences
    /// and its <c>APT::Install-Recommends</c> setting.
    /// </summary>
    public PackageUniverse BuildUniverse(IRootFileSystem root, IReadOnlyList<LoadedSuite> suites)
    {
        var installed = DpkgStatusReader.Read(root);
        var policy = new CandidatePolicy(Preferences.Read(root), _options.DefaultRelease);
        var native = installed.FirstOrDefault(p => p.Name == "dpkg")?.Architecture ?? _options.Architecture;
        var foreign = ReadForeignArchitectures(root, native);
        return new PackageUniverse(suites.SelectMany(s => s.Packages), installed, policy, native, foreign)
        {
            InstallRecommends = AptConfiguration.InstallRecommends(root),
        };
    }

    // dpkg 1.22 keeps the architectures it accepts, native first, in /var/lib/dpkg/arch.
    private static List<string> ReadForeignArchitectures(IRootFileSystem root, string native)
    {
        using var stream = root.OpenRead("/var/lib/dpkg/arch");
        if (stream is null)
        {
            return [];
        }

        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(a => a != native)];
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Ignoring trusted=yes on the image's own source {Source}: its signature is checked")]
    private partial void LogRootTrustedIgnored(string source);

    // apt skips a stanza it cannot parse too, but a user should see that packages are missing.
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Skipped {Count} malformed stanzas in the indexes of {Source}; the first: {Problems}")]
    private partial void LogSkippedStanzas(string source, int count, string problems);
}
