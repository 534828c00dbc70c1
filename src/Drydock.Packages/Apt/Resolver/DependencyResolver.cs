using Drydock.Packages.Apt.Indexes;

namespace Drydock.Packages.Apt.Resolver;

/// <summary>
/// Resolves Depends and Pre-Depends (with alternatives, versioned Provides, virtual packages
/// and Multi-Arch qualifiers) and checks Breaks and Conflicts, over a <see cref="PackageUniverse"/>.
/// It never removes a package: a change that needs a removal fails. Choices are deterministic:
/// targets in name order, alternatives in the order the field lists them, the depender's
/// architecture first. Recommends are followed as apt 2.6 follows them (see
/// <see cref="DependencyResolver(PackageUniverse, bool?)"/>); Suggests are not.
/// </summary>
public sealed class DependencyResolver
{
    private static readonly string[] _priorityOrder = ["required", "important", "standard", "optional", "extra"];

    private readonly PackageUniverse _universe;
    private readonly Selection _selection;
    private readonly Dictionary<(string, string), string> _neededBy = [];
    private readonly bool _installRecommends;
    private IReadOnlySet<string> _excluded = new HashSet<string>();
    private bool _allowNew = true;
    private List<string>? _failure;

    /// <summary>
    /// Creates a resolver over <paramref name="universe"/>. With <paramref name="installRecommends"/>
    /// (by default the universe's <see cref="PackageUniverse.InstallRecommends"/>) a package that is
    /// newly selected also gets its Recommends when they can be met: the first alternative that
    /// installs, and nothing, silently, when none does. For a package that is already installed only
    /// the Recommends its installed version lacked, or had met, are followed, so a recommended
    /// package the user removed stays removed.
    /// </summary>
    public DependencyResolver(PackageUniverse universe, bool? installRecommends = null)
    {
        _universe = universe;
        _installRecommends = installRecommends ?? universe.InstallRecommends;
        _selection = new Selection(universe.ArchKey);
        foreach (var record in universe.Installed.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            _selection.Set(record);
        }
    }

    /// <summary>
    /// Upgrades installed packages to their candidates with the fewest changes, like
    /// <c>apt-get upgrade</c> (or <c>--only-upgrade install</c> when <paramref name="only"/> is given).
    /// A package whose upgrade cannot be satisfied without a removal is kept back. With
    /// <paramref name="allowNewPackages"/> a newly needed dependency is installed (apt's
    /// <c>--with-new-pkgs</c>); without it the upgrade that needs one is kept back.
    /// </summary>
    public ResolutionResult Upgrade(IReadOnlyCollection<string>? only = null, bool allowNewPackages = true)
    {
        _allowNew = allowNewPackages;
        var keptBack = new List<KeptBackPackage>();
        var targets = _universe.Installed.Keys
            .Where(key => only is null || only.Contains(key.Name))
            .OrderBy(key => key.Name, StringComparer.Ordinal).ThenBy(key => key.Arch, StringComparer.Ordinal);
        foreach (var (name, arch) in targets)
        {
            var candidate = _universe.Candidate(name, arch);
            var current = _selection.Get(name, arch)!;
            if (candidate?.Record is not { } record || candidate.Version <= current.Version)
            {
                continue;
            }

            var savepoint = _selection.Savepoint;
            _failure = null;
            if (!Select(record, []))
            {
                _selection.Rollback(savepoint);
                keptBack.Add(new KeptBackPackage(name, arch, current.Version, record.Version, _failure ?? []));
            }
        }

        return new ResolutionResult(Changes(), keptBack);
    }

    /// <summary>
    /// Installs the candidates of the requested packages and the closure of their dependencies.
    /// Packages in <paramref name="exclude"/> are never pulled in; another alternative is taken
    /// when there is one.
    /// </summary>
    /// <exception cref="UnsatisfiableDependencyException">A request or dependency cannot be met.</exception>
    public ResolutionResult Install(IReadOnlyList<string> packages, IReadOnlySet<string>? exclude = null)
    {
        _excluded = exclude ?? new HashSet<string>();
        foreach (var request in packages)
        {
            var record = RequestedRecord(request);
            _failure = null;
            if (!Select(record, []))
            {
                var chain = _failure ?? [record.ToString()];
                throw new UnsatisfiableDependencyException(
                    chain,
                    $"Cannot install '{request}': {string.Join(" -> ", chain)}. Add a repository that provides " +
                    "the missing package, or remove it from the exclude list.");
            }
        }

        return new ResolutionResult(Changes(), []);
    }

    /// <summary>
    /// Lists the Pre-Depends and Depends groups of installed packages that no installed package
    /// satisfies, as <c>dpkg --audit</c> and <c>apt-get check</c> find them. Every installed
    /// package counts, whatever its dpkg state.
    /// </summary>
    public IReadOnlyList<UnmetDependency> FindUnmetDependencies()
    {
        var unmet = new List<UnmetDependency>();
        foreach (var ((name, arch), record) in _universe.Installed.OrderBy(p => p.Key))
        {
            foreach (var (field, groups) in new[] { ("Pre-Depends", record.PreDepends), ("Depends", record.Depends) })
            {
                unmet.AddRange(groups.Where(g => !IsSatisfied(g, record))
                    .Select(g => new UnmetDependency(name, arch, field, string.Join(" | ", g))));
            }
        }

        return unmet;
    }

    private PackageRecord RequestedRecord(string request)
    {
        var colon = request.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? request : request[..colon];
        var arches = colon < 0 ? _universe.Architectures : [request[(colon + 1)..]];
        foreach (var arch in arches)
        {
            if (_universe.Candidate(name, arch)?.Record is { } record)
            {
                return record;
            }
        }

        var providers = _universe.Providers(name).Select(p => p.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        if (providers.Count == 1 && _universe.Candidate(providers[0], _universe.NativeArchitecture)?.Record is { } provider)
        {
            return provider;
        }

        var reason = providers.Count > 1
            ? $"'{name}' is a virtual package provided by {string.Join(", ", providers)}; request one of them"
            : $"'{name}' has no installation candidate in the configured repositories";
        throw new UnsatisfiableDependencyException([name], $"Cannot install '{request}': {reason}.");
    }

    private List<PackageChange> Changes()
    {
        var changes = new List<PackageChange>();
        foreach (var (key, record) in _selection.All)
        {
            var installed = _universe.Installed.GetValueOrDefault(key);
            if (installed is null || installed.Version != record.Version)
            {
                changes.Add(new PackageChange(key.Name, key.Arch, installed?.Version, record.Version, record, _neededBy.GetValueOrDefault(key)));
            }
        }

        changes.Sort((a, b) => (a.Name, a.Architecture).CompareTo((b.Name, b.Architecture)));
        return changes;
    }

    private bool Select(PackageRecord record, IReadOnlyList<string> chain)
    {
        var arch = _universe.ArchKey(record);
        var current = _selection.Get(record.Name, arch);
        if (current is not null && current.Version == record.Version)
        {
            return true;
        }

        var withRecord = (IReadOnlyList<string>)[.. chain, record.ToString()];
        if (_excluded.Contains(record.Name))
        {
            return Fail(withRecord, "is excluded");
        }

        if (current is null && !_allowNew)
        {
            return Fail(withRecord, "would be a new package");
        }

        _selection.Set(record);
        if (!SelectSiblings(record, arch, withRecord)
            || !SatisfyDependencies(record, withRecord)
            || !ResolveConflicts(record, withRecord)
            || (current is not null && !FixReverseDependencies(record, current, withRecord)))
        {
            return false;
        }

        if (_installRecommends)
        {
            SatisfyRecommends(record, withRecord);
        }

        return true;
    }

    // apt 2.6 (pkgDepCache::MarkInstall) tries each unmet Recommends group after the hard
    // dependencies, and skips the ones it cannot install without an error.
    private void SatisfyRecommends(PackageRecord record, IReadOnlyList<string> chain)
    {
        var installed = _universe.Installed.GetValueOrDefault((record.Name, _universe.ArchKey(record)));
        foreach (var group in record.Recommends)
        {
            if (IsSatisfied(group, record) || (installed is not null && !IsFollowedOnUpgrade(group, installed)))
            {
                continue;
            }

            var failure = _failure;
            var savepoint = _selection.Savepoint;
            if (!SatisfyGroup(group, record, chain))
            {
                _selection.Rollback(savepoint);
            }

            _failure = failure;
        }
    }

    // For an installed package apt follows a Recommends group when the installed version has no
    // Recommends naming the group's first target, or had one that was met. An unmet one was the
    // user's choice. NOTE: "met" is judged on the selection so far, not on the installed system
    // as apt does. The two differ only when this resolution already changed the target.
    private bool IsFollowedOnUpgrade(IReadOnlyList<Relation> group, PackageRecord installed)
    {
        var earlier = installed.Recommends.Where(g => g.Any(r => r.Name == group[0].Name)).ToList();
        return earlier.Count == 0 || earlier.Any(g => IsSatisfied(g, installed));
    }

    // Every architecture's copy of a Multi-Arch: same package must carry the same version.
    private bool SelectSiblings(PackageRecord record, string arch, IReadOnlyList<string> chain)
    {
        if (record.MultiArch != MultiArch.Same)
        {
            return true;
        }

        foreach (var other in _universe.Architectures.Where(a => a != arch))
        {
            if (_selection.Get(record.Name, other) is not { } copy || copy.Version == record.Version)
            {
                continue;
            }

            var sibling = _universe.Available(record.Name)
                .FirstOrDefault(r => r.Architecture == other && r.Version == record.Version);
            if (sibling is null)
            {
                return Fail([.. chain, $"{record.Name}:{other} {record.Version}"], "is not available (Multi-Arch: same copies move together)");
            }

            if (!Select(sibling, chain))
            {
                return false;
            }
        }

        return true;
    }

    private bool SatisfyDependencies(PackageRecord record, IReadOnlyList<string> chain)
    {
        foreach (var group in record.PreDepends.Concat(record.Depends))
        {
            if (!IsSatisfied(group, record) && !SatisfyGroup(group, record, chain))
            {
                return false;
            }
        }

        return true;
    }

    private bool SatisfyGroup(IReadOnlyList<Relation> group, PackageRecord depender, IReadOnlyList<string> chain)
    {
        var text = string.Join(" | ", group);
        var attempted = false;
        var earlierFailure = _failure;
        foreach (var relation in group)
        {
            foreach (var option in Options(relation, depender))
            {
                attempted = true;
                var savepoint = _selection.Savepoint;
                var isNew = _selection.Get(option.Name, _universe.ArchKey(option)) is null;
                if (Select(option, [.. chain, $"depends on {text}"]))
                {
                    if (isNew)
                    {
                        _neededBy.TryAdd((option.Name, _universe.ArchKey(option)), depender.Name);
                    }

                    // A failed alternative before this one is no longer the reason for anything.
                    _failure = earlierFailure;
                    return true;
                }

                _selection.Rollback(savepoint);
            }
        }

        // When alternatives were tried, the deepest failure among them is already recorded.
        return !attempted && Fail([.. chain, $"depends on {text}"], "which no available package satisfies");
    }

    private IEnumerable<PackageRecord> Options(Relation relation, PackageRecord depender)
    {
        if (_excluded.Contains(relation.Name) && _universe.Providers(relation.Name).Count == 0)
        {
            yield break;
        }

        var dependerArch = _universe.ArchKey(depender);
        foreach (var arch in _universe.Architectures.OrderBy(a => a == dependerArch ? 0 : 1))
        {
            if (_universe.Candidate(relation.Name, arch)?.Record is { } record
                && !_excluded.Contains(record.Name)
                && ArchitectureMatches(relation, depender, record)
                && relation.Accepts(record.Version))
            {
                yield return record;
            }
        }

        var providers = _universe.Providers(relation.Name)
            .Where(p => !_excluded.Contains(p.Name)
                && _universe.Candidate(p.Name, _universe.ArchKey(p))?.Record == p
                && ProvidesMatch(p, relation)
                && ArchitectureMatches(relation, depender, p))
            .OrderBy(p => Array.IndexOf(_priorityOrder, p.Priority ?? "optional") is var i && i < 0 ? 9 : i)
            .ThenBy(p => p.Name, StringComparer.Ordinal);
        foreach (var provider in providers)
        {
            yield return provider;
        }
    }

    private bool IsSatisfied(IReadOnlyList<Relation> group, PackageRecord depender)
    {
        foreach (var relation in group)
        {
            foreach (var record in _selection.WithName(relation.Name))
            {
                if (ArchitectureMatches(relation, depender, record) && relation.Accepts(record.Version))
                {
                    return true;
                }
            }

            foreach (var provider in _selection.Providing(relation.Name))
            {
                if (ProvidesMatch(provider, relation) && ArchitectureMatches(relation, depender, provider))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // An unversioned Provides satisfies only unversioned relations; "Provides: x (= v)" also
    // satisfies versioned ones that accept v (Debian Policy 4.6, section 7.5).
    private static bool ProvidesMatch(PackageRecord provider, Relation relation) =>
        provider.Provides.Any(p => p.Name == relation.Name
            && (relation.Version is null || (p.Version is { } v && p.Operator == RelationOperator.Equal && relation.Accepts(v))));

    // Rules of the multiarch spec (wiki.debian.org/Multiarch/Spec). A plain relation is met by
    // the depender's architecture or by a Multi-Arch: foreign package. ":any" is also met by
    // Multi-Arch: allowed packages. ":native" and ":ARCH" are met by that architecture only.
    private bool ArchitectureMatches(Relation relation, PackageRecord depender, PackageRecord target)
    {
        var targetArch = _universe.ArchKey(target);
        return relation.ArchQualifier switch
        {
            null => targetArch == _universe.ArchKey(depender) || target.MultiArch == MultiArch.Foreign,
            "any" => targetArch == _universe.ArchKey(depender) || target.MultiArch is MultiArch.Foreign or MultiArch.Allowed,
            "native" => targetArch == _universe.NativeArchitecture,
            var arch => targetArch == arch,
        };
    }

    private bool ResolveConflicts(PackageRecord record, IReadOnlyList<string> chain)
    {
        foreach (var relation in record.Breaks.Concat(record.Conflicts))
        {
            foreach (var other in Conflicting(relation, record).ToList())
            {
                if (!ReplaceWithCandidate(other, chain, $"{record.Name} {record.Version} breaks {other}"))
                {
                    return false;
                }
            }
        }

        foreach (var other in _selection.All.Values.ToList())
        {
            if (other.Name != record.Name
                && other.Breaks.Concat(other.Conflicts).Any(r => Conflicting(r, other).Contains(record))
                && !ReplaceWithCandidate(other, chain, $"{other} breaks {record.Name} {record.Version}"))
            {
                return false;
            }
        }

        return true;
    }

    private IEnumerable<PackageRecord> Conflicting(Relation relation, PackageRecord owner)
    {
        foreach (var record in _selection.WithName(relation.Name))
        {
            if (record.Name != owner.Name && relation.Accepts(record.Version))
            {
                yield return record;
            }
        }

        foreach (var provider in _selection.Providing(relation.Name))
        {
            if (provider.Name != owner.Name && ProvidesMatch(provider, relation))
            {
                yield return provider;
            }
        }
    }

    // A package whose dependencies the new version breaks moves to its own candidate, because
    // that is the only change an upgrade may make to it. When that does not help, the upgrade fails.
    private bool FixReverseDependencies(PackageRecord record, PackageRecord previous, IReadOnlyList<string> chain)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { record.Name };
        names.UnionWith(previous.Provides.Select(p => p.Name));
        foreach (var other in _selection.All.Values.ToList())
        {
            if (other == record)
            {
                continue;
            }

            foreach (var group in other.PreDepends.Concat(other.Depends))
            {
                if (group.Any(r => names.Contains(r.Name)) && !IsSatisfied(group, other)
                    && !ReplaceWithCandidate(other, chain, $"{other} depends on {string.Join(" | ", group)}"))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool ReplaceWithCandidate(PackageRecord other, IReadOnlyList<string> chain, string reason)
    {
        var candidate = _universe.Candidate(other.Name, _universe.ArchKey(other))?.Record;
        if (candidate is null || candidate.Version == other.Version)
        {
            return Fail([.. chain, reason], "and it has no other candidate");
        }

        return Select(candidate, [.. chain, reason]);
    }

    private bool Fail(IReadOnlyList<string> chain, string reason)
    {
        _failure ??= [.. chain.Take(chain.Count - 1), $"{chain[^1]} {reason}"];
        return false;
    }
}
