using Drydock.Packages.Apt.Candidates;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Apt.Resolver;

/// <summary>
/// The available packages of every loaded suite and the installed ones, with the candidate
/// of each package and architecture chosen by a <see cref="CandidatePolicy"/>. Architecture
/// <c>all</c> counts as the native architecture, as in apt.
/// </summary>
public sealed class PackageUniverse
{
    private readonly Dictionary<string, List<PackageRecord>> _available = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PackageRecord>> _providers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), PackageRecord> _installed = [];
    private readonly Dictionary<(string, string), CandidateChoice?> _candidates = [];
    private readonly CandidatePolicy _policy;

    public PackageUniverse(
        IEnumerable<PackageRecord> available,
        IEnumerable<PackageRecord> installed,
        CandidatePolicy policy,
        string nativeArchitecture,
        IReadOnlyList<string>? foreignArchitectures = null)
    {
        _policy = policy;
        NativeArchitecture = nativeArchitecture;
        Architectures = [nativeArchitecture, .. foreignArchitectures ?? []];
        foreach (var record in available)
        {
            if (record.Architecture != "all" && !Architectures.Contains(record.Architecture))
            {
                continue;
            }

            Add(_available, record.Name, record);
            foreach (var provided in record.Provides)
            {
                Add(_providers, provided.Name, record);
            }
        }

        foreach (var record in installed)
        {
            _installed[(record.Name, ArchKey(record))] = record;
        }
    }

    public string NativeArchitecture { get; }

    /// <summary>
    /// Whether resolvers over this universe follow Recommends by default: the root's
    /// <c>APT::Install-Recommends</c>, true (apt's default) when unset.
    /// </summary>
    public bool InstallRecommends { get; init; } = true;

    /// <summary>The native architecture first, then the foreign ones dpkg is configured for.</summary>
    public IReadOnlyList<string> Architectures { get; }

    /// <summary>The installed packages by name and architecture key.</summary>
    public IReadOnlyDictionary<(string Name, string Arch), PackageRecord> Installed => _installed;

    /// <summary>The architecture a record counts as: its own, or the native one for <c>all</c>.</summary>
    public string ArchKey(PackageRecord record) => record.Architecture == "all" ? NativeArchitecture : record.Architecture;

    /// <summary>Every available record of a name (all versions, architectures and releases).</summary>
    public IReadOnlyList<PackageRecord> Available(string name) =>
        _available.TryGetValue(name, out var list) ? list : [];

    /// <summary>Available records whose Provides names a virtual package.</summary>
    public IReadOnlyList<PackageRecord> Providers(string name) =>
        _providers.TryGetValue(name, out var list) ? list : [];

    /// <summary>The candidate of a package and architecture, or null when none may be installed.</summary>
    public CandidateChoice? Candidate(string name, string arch)
    {
        if (_candidates.TryGetValue((name, arch), out var cached))
        {
            return cached;
        }

        var versions = Available(name).Where(r => ArchKey(r) == arch).ToList();
        DebianVersion? installed = _installed.TryGetValue((name, arch), out var current) ? current.Version : null;
        var choice = versions.Count == 0 && installed is null ? null : _policy.Choose(versions, installed, name);
        _candidates[(name, arch)] = choice;
        return choice;
    }

    private static void Add(Dictionary<string, List<PackageRecord>> map, string key, PackageRecord record)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(record);
    }
}
