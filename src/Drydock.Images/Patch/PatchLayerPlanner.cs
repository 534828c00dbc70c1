using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Drydock.Oci.Layers;

namespace Drydock.Images.Patch;

/// <summary>One package to lay down: its identity, its new .deb and the stanza it replaces.</summary>
internal sealed record PackageUpgrade(string Name, string Architecture, bool MultiArchSame, DebFile Deb);

/// <summary>
/// Computes the entries of the patch layer as dpkg 1.21 would leave the files after
/// <c>dpkg --unpack</c> and <c>--configure</c> of each new package: files written at the path
/// the image's own symlinks and diversions send them to, unless a path filter excludes them,
/// with the owner and mode of a stat override; files and emptied directories the new version
/// dropped whited out; conffiles merged by their checksums; and the dpkg database updated.
/// </summary>
internal sealed partial class PatchLayerPlanner
{
    private const string InfoDirectory = "var/lib/dpkg/info";

    private readonly ImageSnapshot _image;
    private readonly DateTimeOffset _time;
    private readonly DpkgStatusStore _status;
    private readonly DpkgConfiguration _config;
    private readonly Dictionary<string, LayerItem> _items = new(StringComparer.Ordinal);
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kept = new(StringComparer.Ordinal);
    private readonly List<(string Owner, string Path)> _dropped = [];
    private readonly Dictionary<string, HashSet<string>> _owners;

    /// <exception cref="InvalidDataException">The image has no dpkg database, or a malformed one.</exception>
    public PatchLayerPlanner(ImageSnapshot image, DateTimeOffset time)
    {
        _image = image;
        _time = time;
        _status = DpkgStatusStore.Read(image);
        _config = new DpkgConfiguration(image);
        _owners = ReadOwners();
    }

    public List<string> DpkgDistFiles { get; } = [];

    /// <summary>Directories kept in place of a package's symlink, as <c>/PATH -> TARGET (PACKAGE)</c>.</summary>
    public List<string> KeptDirectories { get; } = [];

    public List<string> ScriptsNotRun { get; } = [];

    /// <summary>Adds the files and database entries of one package.</summary>
    /// <exception cref="InvalidDataException">The package has an entry no layer can carry unambiguously.</exception>
    /// <exception cref="IOException">
    /// An entry climbs out of the root or would replace a directory of the image.
    /// </exception>
    public void Add(PackageUpgrade upgrade)
    {
        DebEntryValidator.Validate(upgrade.Deb, upgrade.Name);
        var old = _status.Find(upgrade.Name, upgrade.Architecture);
        var prefix = InfoPrefix(upgrade);
        var conffiles = ConffileNames(upgrade.Deb);
        var oldConffiles = ParseConffiles(old?.Stanza);
        var newPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in upgrade.Deb.Data.Where(e => e.Path.Length > 0))
        {
            var target = Target(entry.Path, upgrade.Name);
            newPaths.Add(target);
            NoteTrigger(target);

            // A filtered path is still the package's, so the old copy, if any, is not deleted.
            if (_config.IsExcluded("/" + entry.Path, entry.Type is TarEntryType.Directory or TarEntryType.SymbolicLink))
            {
                _kept.Add(target);
                continue;
            }

            if (entry.Type == TarEntryType.SymbolicLink)
            {
                DebEntryValidator.CheckSymlinkTarget(target, entry.LinkTarget!, upgrade.Name);
            }

            if (KeepsImageDirectory(entry, target, upgrade.Name))
            {
                continue;
            }

            if (conffiles.Contains("/" + entry.Path))
            {
                AddConffile(entry, target, oldConffiles.GetValueOrDefault("/" + entry.Path));
                continue;
            }

            AddEntry(entry, target);
        }

        var owner = _status.PerPackage ? _status.Md5sumsOwner(upgrade.Name, upgrade.Architecture) : prefix;
        foreach (var path in OldFiles(prefix, upgrade))
        {
            if (!newPaths.Contains(path) && !oldConffiles.ContainsKey("/" + path))
            {
                _dropped.Add((owner, path));
                NoteTrigger(path);
            }
        }

        AddDatabase(upgrade, prefix, conffiles, oldConffiles);
        _caTriggered |= upgrade.Name == "ca-certificates";
        _caUpgraded |= upgrade.Name == "ca-certificates";
    }

    /// <summary>Returns the layer entries, with whiteouts for dropped files, and the new status file.</summary>
    /// <exception cref="InvalidDataException">An upgraded ca-certificates meets a malformed debconf config.dat.</exception>
    public IReadOnlyList<LayerItem> Finish()
    {
        var removed = new HashSet<string>(StringComparer.Ordinal);
        var directories = new List<string>();
        foreach (var (owner, path) in _dropped)
        {
            var others = _owners.GetValueOrDefault(path)?.Where(o => o != owner) ?? [];
            if (_written.Contains(path) || _kept.Contains(path) || others.Any() || _image.KindOf(path) is not { } kind)
            {
                continue;
            }

            if (kind == LayerEntryKind.Directory)
            {
                directories.Add(path);
                continue;
            }

            _items[path] = LayerItem.Whiteout(path, _time);
            removed.Add(path);
        }

        // dpkg removes a directory the new version dropped only when nothing is left in it,
        // so the deepest go first and may leave their parents empty.
        foreach (var directory in directories.Distinct().OrderByDescending(d => d.Count(c => c == '/')))
        {
            if (IsEmptyAfterPatch(directory, removed))
            {
                _items[directory] = LayerItem.Whiteout(directory, _time);
                removed.Add(directory);
            }
        }

        foreach (var item in _status.Items(_time))
        {
            _items[item.Path] = item;
        }

        RunMaintainerScripts();
        CheckNothingBelowNonDirectories();
        return [.. _items.Values];
    }

    // dpkg 1.21 (src/main/archives.c, tarobject) leaves a directory of the image in place when
    // the package ships a symlink there, with only a debug message ("symlink exists as
    // directory"), and fails on a file or hard link there ("trying to overwrite directory").
    private bool KeepsImageDirectory(DebEntry entry, string target, string package)
    {
        if (entry.Type == TarEntryType.Directory || _image.KindOf(target) != LayerEntryKind.Directory)
        {
            return false;
        }

        if (entry.Type != TarEntryType.SymbolicLink)
        {
            throw new IOException(
                $"The package '{package}' ships the {DebEntryValidator.Describe(entry.Type)} '/{entry.Path}' where "
                + $"the image has the directory '/{target}', which dpkg refuses to overwrite. "
                + "Leave the package out with --packages.");
        }

        KeptDirectories.Add($"/{target} -> {entry.LinkTarget} ({package})");
        return true;
    }

    // No entry may sit below a symlink or file that the layer itself writes or that the image
    // has, because extractors disagree on whether to follow, replace or fail there.
    private void CheckNothingBelowNonDirectories()
    {
        foreach (var (path, item) in _items)
        {
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                var parent = path[..slash];
                var layer = _items.GetValueOrDefault(parent);
                var blocking = layer is null
                    ? _image.KindOf(parent) is { } kind && kind != LayerEntryKind.Directory ? "the image's" : null
                    : layer.Type != TarEntryType.Directory && !IsWhiteout(layer) ? "the patch layer's" : null;
                if (blocking is not null && !IsWhiteout(item))
                {
                    throw new InvalidDataException(
                        $"The patch would write '/{path}' below '/{parent}', which is {blocking} symlink or file, "
                        + "so extractors would unpack it differently. Leave one of the packages that ship "
                        + "these paths out with --packages.");
                }
            }
        }
    }

    private static bool IsWhiteout(LayerItem item) =>
        item.Path[(item.Path.LastIndexOf('/') + 1)..].StartsWith(".wh.", StringComparison.Ordinal);

    private bool IsEmptyAfterPatch(string directory, HashSet<string> removed)
    {
        var prefix = directory + "/";
        return _image.Children(directory).All(removed.Contains)
            && !_items.Keys.Any(path => path.StartsWith(prefix, StringComparison.Ordinal) && !removed.Contains(path));
    }

    private void AddEntry(DebEntry entry, string target)
    {
        if (entry.Type == TarEntryType.Directory)
        {
            // A directory that exists, or a symlink to one such as /lib -> usr/lib, stays as it is.
            if (_image.KindOf(RootPaths.Resolve(target, _image.ReadLink, followFinal: true)) is null
                && !_items.ContainsKey(target))
            {
                _items[target] = Item(entry, target);
            }

            return;
        }

        _written.Add(target);
        _items[target] = Item(entry, target);
    }

    private LayerItem Item(DebEntry entry, string target)
    {
        var link = entry.Type == TarEntryType.HardLink && entry.LinkTarget is { } hard ? ResolveParent(hard) : entry.LinkTarget;
        var item = new LayerItem(
            target, entry.Type, entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime, link, entry.Content, entry.Spooled);

        // dpkg applies a stat override to the file it unpacks, whichever path names it.
        var statOverride = _config.OverrideOf("/" + entry.Path) ?? _config.OverrideOf("/" + target);
        return statOverride is null || entry.Type is TarEntryType.SymbolicLink
            ? item
            : item with { Uid = statOverride.Uid, Gid = statOverride.Gid, Mode = statOverride.Mode };
    }

    // The path a package file lands at: its diversion, if another package diverted it, with the
    // directories resolved through the image's symlinks.
    private string Target(string packagePath, string package) =>
        ResolveParent(_config.Divert("/" + packagePath, package));

    // dpkg's conffile handling (dpkg 1.21, src/main/configure.c): the Conffiles field keeps the
    // checksum of the version each package last shipped, so the user's file is compared to it.
    private void AddConffile(DebEntry entry, string target, string? oldHash)
    {
        var newHash = Md5(entry.ReadContent());
        var current = _image.ReadFile(target) is { } content ? Md5(content) : null;
        if (current is null && oldHash is not null)
        {
            return;
        }

        if (current == newHash || current is null || (oldHash is not null && current == oldHash && oldHash != newHash))
        {
            _written.Add(target);
            _items[target] = Item(entry, target);
            return;
        }

        if (oldHash == newHash)
        {
            return;
        }

        var dist = target + ".dpkg-dist";
        _items[dist] = Item(entry, dist);
        DpkgDistFiles.Add("/" + target);
    }

    private void AddDatabase(
        PackageUpgrade upgrade,
        string prefix,
        IReadOnlyList<string> conffiles,
        Dictionary<string, string> oldConffiles)
    {
        var deb = upgrade.Deb;
        foreach (var name in deb.ControlFiles.Keys.Where(n => n is "preinst" or "postinst" or "prerm" or "postrm"))
        {
            ScriptsNotRun.Add($"{upgrade.Name}.{name}");
        }

        // Distroless images keep no info directory: the md5sums beside the record are all.
        if (!_status.PerPackage)
        {
            AddInfoFiles(deb, prefix);
        }

        var lines = conffiles.Select(path => $"{path} {Md5(ConffileContent(deb, path))}").ToList();
        foreach (var (path, hash) in oldConffiles.Where(c => !conffiles.Contains(c.Key)))
        {
            lines.Add($"{path} {hash} obsolete");
        }

        _status.Set(
            upgrade.Name,
            upgrade.Architecture,
            DpkgStatusEditor.BuildStanza(deb.Control, lines),
            deb.ControlFiles.GetValueOrDefault("md5sums"));
    }

    private void AddInfoFiles(DebFile deb, string prefix)
    {
        var list = new StringBuilder("/.\n");
        foreach (var entry in deb.Data.Where(e => e.Path.Length > 0))
        {
            list.Append('/').Append(entry.Path).Append('\n');
        }

        AddInfo(prefix, "list", Encoding.UTF8.GetBytes(list.ToString()));
        var kept = new HashSet<string>(StringComparer.Ordinal) { "list" };
        foreach (var (name, content) in deb.ControlFiles.Where(f => f.Key != "control"))
        {
            AddInfo(prefix, name, content);
            kept.Add(name);
        }

        foreach (var old in _image.Children(InfoDirectory))
        {
            var file = old[(InfoDirectory.Length + 1)..];
            if (file.StartsWith(prefix + ".", StringComparison.Ordinal) && !kept.Contains(file[(prefix.Length + 1)..]))
            {
                _items[old] = LayerItem.Whiteout(old, _time);
            }
        }
    }

    private void AddInfo(string prefix, string name, byte[] content)
    {
        var path = $"{InfoDirectory}/{prefix}.{name}";
        _items[path] = LayerItem.File(path, content, _time);
    }

    private string InfoPrefix(PackageUpgrade upgrade)
    {
        var qualified = $"{upgrade.Name}:{upgrade.Architecture}";
        if (_image.KindOf($"{InfoDirectory}/{qualified}.list") is not null)
        {
            return qualified;
        }

        return _image.KindOf($"{InfoDirectory}/{upgrade.Name}.list") is null && upgrade.MultiArchSame
            ? qualified
            : upgrade.Name;
    }

    // The old version's files: its info list, or in status.d its md5sums list, which names
    // regular files only.
    private IEnumerable<string> OldFiles(string prefix, PackageUpgrade upgrade)
    {
        var paths = _status.PerPackage
            ? _status.OldFiles(upgrade.Name, upgrade.Architecture)
            : _image.ReadFile($"{InfoDirectory}/{prefix}.list") is { } list ? ParseList(list) : null;
        return (paths ?? []).Select(path => Target(path, upgrade.Name));
    }

    private Dictionary<string, HashSet<string>> ReadOwners()
    {
        var owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var lists = _status.PerPackage
            ? _image.Children(DpkgStatusStore.StatusDirectory)
                .Where(p => p.EndsWith(".md5sums", StringComparison.Ordinal))
                .Select(p => (Owner: p[..^".md5sums".Length], Files: ParseMd5sums(_image.ReadFile(p))))
            : _image.Children(InfoDirectory)
                .Where(p => p.EndsWith(".list", StringComparison.Ordinal))
                .Select(p => (Owner: p[(InfoDirectory.Length + 1)..^".list".Length], Files: ParseList(_image.ReadFile(p) ?? [])));
        foreach (var (owner, files) in lists)
        {
            foreach (var file in files)
            {
                var resolved = ResolveParent(file);
                if (!owners.TryGetValue(resolved, out var set))
                {
                    owners[resolved] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(owner);
            }
        }

        return owners;
    }

    // md5sums(5): an MD5 checksum, two spaces and the path without its leading '/'.
    private static IEnumerable<string> ParseMd5sums(byte[]? content) =>
        Encoding.UTF8.GetString(content ?? []).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Length > 34 ? RootPaths.Normalise(line[34..]) : "")
            .Where(p => p.Length > 0);

    private static IEnumerable<string> ParseList(byte[] content) =>
        Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(RootPaths.Normalise)
            .Where(p => p.Length > 0);

    // Resolves the directories of a package path through the image's symlinks but leaves the
    // last component, so that a symlink shipped by the package replaces one in the image.
    private string ResolveParent(string path) => RootPaths.Resolve(path, _image.ReadLink, followFinal: false);

    private static List<string> ConffileNames(DebFile deb) =>
        deb.ControlFiles.TryGetValue("conffiles", out var content)
            ? [.. Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => line.StartsWith('/'))]
            : [];

    private static byte[] ConffileContent(DebFile deb, string path) =>
        deb.Data.FirstOrDefault(e => "/" + e.Path == path)?.ReadContent() ?? [];

    private static Dictionary<string, string> ParseConffiles(string? stanza)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var field = stanza is null ? null : DpkgStatusEditor.Field(stanza, "Conffiles");
        foreach (var line in (field ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && !parts.Contains("obsolete"))
            {
                result[parts[0]] = parts[1];
            }
        }

        return result;
    }

    private static string Md5(byte[] content) => Convert.ToHexStringLower(MD5.HashData(content));
}
