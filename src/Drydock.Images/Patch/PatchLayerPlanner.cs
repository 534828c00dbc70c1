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
/// the image's own symlinks resolve them to, files the new version dropped whited out,
/// conffiles merged by their checksums, and the dpkg database updated.
/// </summary>
// NOTE: dpkg's path-exclude/path-include, statoverride and diversions are not applied yet, so
// a slim image that drops documentation gets the new packages' documentation back.
internal sealed class PatchLayerPlanner
{
    private const string InfoDirectory = "var/lib/dpkg/info";
    private const string StatusPath = "var/lib/dpkg/status";

    private readonly ImageSnapshot _image;
    private readonly DateTimeOffset _time;
    private readonly DpkgStatusEditor _status;
    private readonly Dictionary<string, LayerItem> _items = new(StringComparer.Ordinal);
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly List<(string Owner, string Path)> _dropped = [];
    private readonly Dictionary<string, HashSet<string>> _owners;

    public PatchLayerPlanner(ImageSnapshot image, DateTimeOffset time)
    {
        _image = image;
        _time = time;
        var status = image.ReadFile(StatusPath) ?? throw new InvalidDataException(
            $"The image has no dpkg status file '/{StatusPath}'. Images without a dpkg database "
            + "(such as distroless status.d images) cannot be patched yet.");
        _status = new DpkgStatusEditor(Encoding.UTF8.GetString(status));
        _owners = ReadOwners();
    }

    public List<string> DpkgDistFiles { get; } = [];

    public List<string> ScriptsNotRun { get; } = [];

    /// <summary>Adds the files and database entries of one package.</summary>
    public void Add(PackageUpgrade upgrade)
    {
        var oldStanza = _status.Find(upgrade.Name, upgrade.Architecture);
        var prefix = InfoPrefix(upgrade);
        var conffiles = ConffileNames(upgrade.Deb);
        var oldConffiles = ParseConffiles(oldStanza);
        var newPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in upgrade.Deb.Data)
        {
            if (entry.Path.Length == 0)
            {
                continue;
            }

            var target = ResolveParent(entry.Path);
            newPaths.Add(target);
            if (conffiles.Contains("/" + entry.Path))
            {
                AddConffile(entry, target, oldConffiles.GetValueOrDefault("/" + entry.Path));
                continue;
            }

            AddEntry(entry, target);
        }

        foreach (var old in OldFiles(prefix))
        {
            if (!newPaths.Contains(old) && !oldConffiles.ContainsKey("/" + old))
            {
                _dropped.Add((prefix, old));
            }
        }

        AddDatabase(upgrade, prefix, oldStanza, conffiles, oldConffiles);
    }

    /// <summary>Returns the layer entries, with whiteouts for dropped files, and the new status file.</summary>
    public IReadOnlyList<LayerItem> Finish()
    {
        foreach (var (owner, path) in _dropped)
        {
            var others = _owners.GetValueOrDefault(path)?.Where(o => o != owner) ?? [];
            if (!_written.Contains(path) && !others.Any() && _image.KindOf(path) is { } kind
                && kind != LayerEntryKind.Directory)
            {
                // NOTE: directories the new version no longer ships are left, where dpkg removes
                // them when empty.
                _items[path] = LayerItem.Whiteout(path, _time);
            }
        }

        _items[StatusPath] = LayerItem.File(StatusPath, _status.ToBytes(), _time);
        return [.. _items.Values];
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
        return new LayerItem(target, entry.Type, entry.Mode, entry.Uid, entry.Gid, entry.ModificationTime, link, entry.Content);
    }

    // dpkg's conffile handling (dpkg 1.21, src/main/configure.c): the Conffiles field keeps the
    // checksum of the version each package last shipped, so the user's file is compared to it.
    private void AddConffile(DebEntry entry, string target, string? oldHash)
    {
        var newHash = Md5(entry.Content);
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
        string? oldStanza,
        IReadOnlyList<string> conffiles,
        Dictionary<string, string> oldConffiles)
    {
        var deb = upgrade.Deb;
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
            // NOTE: nothing replaces the scripts yet, so the ca-certificates bundle and the
            // ldconfig cache are not regenerated.
            if (name is "preinst" or "postinst" or "prerm" or "postrm")
            {
                ScriptsNotRun.Add($"{upgrade.Name}.{name}");
            }
        }

        foreach (var old in _image.Children(InfoDirectory))
        {
            var file = old[(InfoDirectory.Length + 1)..];
            if (file.StartsWith(prefix + ".", StringComparison.Ordinal) && !kept.Contains(file[(prefix.Length + 1)..]))
            {
                _items[old] = LayerItem.Whiteout(old, _time);
            }
        }

        var lines = conffiles.Select(path => $"{path} {Md5(ConffileContent(deb, path))}").ToList();
        foreach (var (path, hash) in oldConffiles.Where(c => !conffiles.Contains(c.Key)))
        {
            lines.Add($"{path} {hash} obsolete");
        }

        _status.Set(upgrade.Name, upgrade.Architecture, DpkgStatusEditor.BuildStanza(deb.Control, lines));
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

    private IEnumerable<string> OldFiles(string prefix)
    {
        var list = _image.ReadFile($"{InfoDirectory}/{prefix}.list");
        return list is null ? [] : ParseList(list).Select(ResolveParent);
    }

    private Dictionary<string, HashSet<string>> ReadOwners()
    {
        var owners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var path in _image.Children(InfoDirectory).Where(p => p.EndsWith(".list", StringComparison.Ordinal)))
        {
            var owner = path[(InfoDirectory.Length + 1)..^".list".Length];
            foreach (var file in ParseList(_image.ReadFile(path) ?? []))
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
        deb.Data.FirstOrDefault(e => "/" + e.Path == path)?.Content ?? [];

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
