using Drydock.Oci.Layers;
using Drydock.Packages.Apt.Candidates;
using Drydock.Packages.Apt.Resolver;

namespace Drydock.Images.Verify;

/// <summary>
/// The checks of <c>dpkg --verify</c> (every owned file present, every md5sums entry matching)
/// and <c>dpkg --audit</c> (dpkg states, file lists, dependencies), plus one dpkg makes while
/// unpacking: no path owned by two packages unless one Replaces the other (deb-control(5)).
/// </summary>
internal sealed class DpkgChecks
{
    // Container runtimes create and mount these (OCI runtime spec v1.2, config-linux.md), so
    // images often leave them out even though base-files owns them.
    private static readonly string[] _runtimeMounts = ["/dev", "/proc", "/sys"];

    private readonly FileDigestTree _tree;
    private readonly List<VerifyProblem> _problems = [];

    public DpkgChecks(FileDigestTree tree)
    {
        _tree = tree;
    }

    public IReadOnlyList<VerifyProblem> Problems => _problems;

    public int FilesChecked { get; private set; }

    public void CheckFiles(DpkgEntry entry)
    {
        var name = entry.Record.Name;
        if (entry.State != "installed")
        {
            Add(VerifyProblemKind.NotInstalled, name, null, $"dpkg state is '{entry.State}', not 'installed'");
        }

        if (entry.Files is null && entry.Md5sums is null)
        {
            Add(VerifyProblemKind.NoFileList, name, null, "the package has no .list or .md5sums file");
        }

        var conffiles = entry.Conffiles.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        var listed = (entry.Files ?? []).Where(p => p != "/." && !conffiles.Contains(p) && !_runtimeMounts.Contains(p));
        foreach (var path in listed)
        {
            if (_tree.KindOf(path) is null)
            {
                missing.Add(path);
                Add(VerifyProblemKind.MissingFile, name, path, "the file is not in the image");
            }
        }

        foreach (var (path, expected) in entry.Md5sums ?? new Dictionary<string, string>())
        {
            CheckDigest(name, path, expected, missing);
        }

        foreach (var conffile in entry.Conffiles.Where(c => !c.Obsolete && c.Md5 != "newconffile"))
        {
            FilesChecked++;
            var actual = _tree.Md5Of(conffile.Path);
            if (actual is null)
            {
                Add(VerifyProblemKind.ConffileMissing, name, conffile.Path, "the conffile was deleted");
            }
            else if (actual != conffile.Md5)
            {
                Add(VerifyProblemKind.ConffileModified, name, conffile.Path,
                    $"MD5 is '{actual}', the packaged conffile's is '{conffile.Md5}'");
            }
        }
    }

    public void CheckDependencies(IReadOnlyList<DpkgEntry> entries)
    {
        var native = entries.FirstOrDefault(e => e.Record.Name == "dpkg")?.Record.Architecture
            ?? entries.Select(e => e.Record.Architecture).FirstOrDefault(a => a != "all") ?? "amd64";
        var foreign = entries.Select(e => e.Record.Architecture).Where(a => a is not "all" && a != native).Distinct();
        var universe = new PackageUniverse(
            [], entries.Select(e => e.Record), new CandidatePolicy([]), native, [.. foreign]);
        foreach (var unmet in new DependencyResolver(universe).FindUnmetDependencies())
        {
            Add(VerifyProblemKind.UnmetDependency, unmet.Name, null,
                $"{unmet.Field}: '{unmet.Relation}' is not satisfied by any installed package");
        }
    }

    public void CheckSharedPaths(IReadOnlyList<DpkgEntry> entries)
    {
        var owners = new Dictionary<string, List<DpkgEntry>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var path in (entry.Files ?? (IEnumerable<string>?)entry.Md5sums?.Keys ?? []).Distinct())
            {
                if (!owners.TryGetValue(path, out var list))
                {
                    owners[path] = list = [];
                }

                list.Add(entry);
            }
        }

        foreach (var (path, list) in owners.Where(o => o.Value.Count > 1).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (_tree.KindOf(path, followFinal: true) == LayerEntryKind.Directory || path == "/.")
            {
                continue;
            }

            foreach (var (first, second) in Pairs(list).Where(p => !MayShare(p.First, p.Second)))
            {
                Add(VerifyProblemKind.SharedPath, first.Record.Name, path,
                    $"also owned by '{second.Record.Name}', and neither package Replaces the other");
            }
        }
    }

    public List<VerifyProblem> Sorted() =>
    [
        .. _problems.OrderBy(p => p.Package ?? "", StringComparer.Ordinal)
            .ThenBy(p => p.Path ?? "", StringComparer.Ordinal).ThenBy(p => p.Kind),
    ];

    public void Add(VerifyProblemKind kind, string? package, string? path, string detail) =>
        _problems.Add(new VerifyProblem(kind, package, path, detail));

    private void CheckDigest(string name, string path, string expected, HashSet<string> missing)
    {
        FilesChecked++;
        var actual = _tree.Md5Of(path);
        if (actual is null)
        {
            if (!missing.Contains(path))
            {
                Add(VerifyProblemKind.MissingFile, name, path, "the file is not in the image or not a regular file");
            }
        }
        else if (!actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
        {
            Add(VerifyProblemKind.ChecksumMismatch, name, path,
                $"MD5 is '{actual}', the md5sums list has '{expected}'");
        }
    }

    // Instances of one Multi-Arch: same package share their identical files (the multiarch spec);
    // a package whose Replaces names the other took the file over when it was unpacked.
    // Two packages read from one shared status.d list own its paths jointly, not in conflict.
    private static bool MayShare(DpkgEntry first, DpkgEntry second) =>
        first.Record.Name == second.Record.Name
        || (first.Md5sumsPath is not null && first.Md5sumsPath == second.Md5sumsPath)
        || Replaces(first, second) || Replaces(second, first);

    private static bool Replaces(DpkgEntry replacing, DpkgEntry replaced) =>
        replacing.Record.Replaces.Any(r => r.Name == replaced.Record.Name && r.Accepts(replaced.Record.Version));

    private static IEnumerable<(DpkgEntry First, DpkgEntry Second)> Pairs(List<DpkgEntry> list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            for (var j = i + 1; j < list.Count; j++)
            {
                yield return (list[i], list[j]);
            }
        }
    }
}
