using System.Formats.Tar;
using System.Text;
using Drydock.Oci.Writing;
using Drydock.Packages.Deb;

namespace Drydock.Images.Build;

/// <summary>
/// Lays the data.tar of each package into a root file system without running maintainer
/// scripts, as distroless does, and writes natively what the scripts would have made: the dpkg
/// records in <c>/var/lib/dpkg/status.d/</c>, <c>/etc/passwd</c>, <c>/etc/group</c>,
/// <c>/etc/shadow</c> and <c>/tmp</c>. The tree is merged-/usr, as Debian 12's own images are.
/// Owners and modes (setuid and setgid included) are the ones the package ships.
/// </summary>
/// <remarks>
/// NOTE: file contents are held in memory until the layers are written, which suits base images
/// of tens of megabytes, not images of gigabytes.
/// NOTE: the layers carry numeric owners only; the names resolve through the image's own
/// /etc/passwd and /etc/group, which list every owner a package names.
/// The CA bundle, its links and the ld.so cache are made natively (RootfsAssembler.Scripts.cs).
/// </remarks>
internal sealed partial class RootfsAssembler
{
    private const string StatusDirectory = "var/lib/dpkg/status.d";

    // Debian's usrmerge (and debootstrap's merged-usr default since bookworm) links these
    // top-level directories into /usr; lib32 and libx32 only exist on a few architectures.
    private static readonly string[] _mergedDirectories = ["bin", "sbin", "lib", "lib64"];

    private readonly SortedDictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _packageUsers = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _packageGroups = new(StringComparer.Ordinal);
    private readonly PathFilter _filter;
    private DateTimeOffset _newest = DateTimeOffset.UnixEpoch;

    public RootfsAssembler(SpecPaths paths)
    {
        _filter = new PathFilter(paths);
    }

    /// <summary>The newest modification time in any package, the layer time without SOURCE_DATE_EPOCH.</summary>
    public DateTimeOffset Newest => _newest;

    /// <summary>
    /// Lays one package's files and its dpkg record. With <see cref="BuildLayering.Source"/> they
    /// go into the layer of the package's source package.
    /// </summary>
    /// <exception cref="IOException">An entry would land outside the root.</exception>
    /// <exception cref="InvalidDataException">The package is malformed.</exception>
    public void AddPackage(string debPath, LockedPackage locked)
    {
        using var deb = DebArchiveReader.Open(debPath);
        var package = deb.Package;
        if (package.Name != locked.Name || package.Version != locked.Version)
        {
            throw new InvalidDataException(
                $"The file '{debPath}' holds '{package.Name}' '{package.Version}', but the lock names "
                + $"'{locked.Name}' '{locked.Version}'. Remove the file from the cache and build again.");
        }

        var group = locked.Source;
        var keptPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in deb.ReadDataEntries())
        {
            if (entry.Path.Length > 0 && _filter.Includes(entry.Path, entry.Type == TarEntryType.SymbolicLink))
            {
                Lay(entry, group);
                keptPaths.Add(entry.Path);
            }
        }

        var control = package.ReadText("control") ?? throw new InvalidDataException(
            $"The package '{debPath}' has no control file.");
        AddFile($"{StatusDirectory}/{locked.Name}", Encoding.UTF8.GetBytes(control.TrimEnd('\n') + "\n"), group);
        var md5sums = package.Md5Sums.Where(p => keptPaths.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Value}  {p.Key}\n");
        AddFile($"{StatusDirectory}/{locked.Name}.md5sums", Encoding.UTF8.GetBytes(string.Concat(md5sums)), group);
    }

    /// <summary>
    /// Writes /etc/passwd, /etc/group, /etc/shadow and the home directories of the spec's users.
    /// Users and groups that own package files are listed too, with the ids the package gives.
    /// </summary>
    public void AddAccounts(BuildSpec spec)
    {
        var users = new List<SpecUser> { new("root", 0, 0, "/root", "/sbin/nologin") };
        users.AddRange(spec.Users.Where(u => u.Name != "root"));
        var groups = new List<SpecGroup> { new("root", 0) };
        groups.AddRange(spec.Groups.Where(g => g.Name != "root"));
        foreach (var user in users.Where(u => groups.All(g => g.Gid != u.Gid)))
        {
            groups.Add(new SpecGroup(user.Name, user.Gid));
        }

        // Debian gives these names fixed ids (base-passwd 3.6, /usr/share/base-passwd); a spec's
        // own user or group of the same name or id wins.
        foreach (var (name, uid) in _packageUsers.Where(u => users.All(s => s.Name != u.Key && s.Uid != u.Value)))
        {
            users.Add(new SpecUser(name, uid, uid, "/nonexistent", "/usr/sbin/nologin"));
        }

        foreach (var (name, gid) in _packageGroups.Where(g => groups.All(s => s.Name != g.Key && s.Gid != g.Value)))
        {
            groups.Add(new SpecGroup(name, gid));
        }

        AddFile("etc/passwd", Lines(users.Select(u => $"{u.Name}:x:{u.Uid}:{u.Gid}:{u.Name}:{u.Home}:{u.Shell}")));
        AddFile("etc/group", Lines(groups.Select(g => $"{g.Name}:x:{g.Gid}:")));

        // '*' locks the password; the last-change field is empty so the file does not depend on the day.
        AddFile("etc/shadow", Lines(users.Select(u => $"{u.Name}:*::0:99999:7:::")), "", (UnixFileMode)0b110_100_000);
        foreach (var user in users.Where(u => u.Home != "/nonexistent"))
        {
            var mode = user.Uid == 0 ? (UnixFileMode)0b111_000_000 : (UnixFileMode)0b111_101_101;
            _items[user.Home.Trim('/')] = new Item(TarEntryType.Directory, mode, user.Uid, user.Gid, "");
        }

        // Sticky and world-writable, as base-files makes it.
        _items["tmp"] = new Item(TarEntryType.Directory, (UnixFileMode)0b1_111_111_111, 0, 0, "");
    }

    /// <summary>
    /// Adds the merged-/usr links and builds the layers, lowest first: one for everything, or
    /// with <see cref="BuildLayering.Source"/> one for the files Drydock writes (links, accounts,
    /// /tmp) followed by one per source package in byte order of its name.
    /// </summary>
    public IReadOnlyList<LayerBuilder> ToLayers(BuildLayering layering)
    {
        foreach (var directory in _mergedDirectories)
        {
            _items[directory] = new Item(TarEntryType.SymbolicLink, (UnixFileMode)0b111_111_111, 0, 0, "")
            {
                Target = "usr/" + directory,
            };
        }

        ApplyMaintainerScripts();
        if (layering == BuildLayering.Single)
        {
            return [ToLayer(_items)];
        }

        var layers = new List<LayerBuilder>();
        foreach (var group in _items.Values.Select(i => i.Group).Distinct().Order(StringComparer.Ordinal))
        {
            var items = new SortedDictionary<string, Item>(StringComparer.Ordinal);
            foreach (var (path, item) in _items.Where(p => p.Value.Group == group))
            {
                items[path] = item;
                AddParents(items, path);
            }

            layers.Add(ToLayer(items));
        }

        return layers;
    }

    // Every layer states its parent directories as the whole tree has them, so the upper
    // layer's copy of a shared directory does not change its mode or owner.
    private void AddParents(SortedDictionary<string, Item> items, string path)
    {
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            var parent = path[..slash];
            if (_items.TryGetValue(parent, out var item) && item.Type == TarEntryType.Directory)
            {
                items.TryAdd(parent, item);
            }
        }
    }

    private LayerBuilder ToLayer(SortedDictionary<string, Item> items)
    {
        var layer = new LayerBuilder(_newest);
        foreach (var (path, item) in items)
        {
            _ = item.Type switch
            {
                TarEntryType.Directory => layer.AddDirectory(path, item.Mode, item.Uid, item.Gid),
                TarEntryType.SymbolicLink => layer.AddSymlink(path, item.Target!, item.Uid, item.Gid),
                TarEntryType.HardLink => layer.AddHardLink(path, item.Target!, item.Mode, item.Uid, item.Gid),
                _ => layer.AddFile(path, item.Content!, item.Mode, item.Uid, item.Gid),
            };
        }

        return layer;
    }

    private void Lay(DebDataEntry entry, string group)
    {
        if (entry.ModificationTime > _newest)
        {
            _newest = entry.ModificationTime;
        }

        RememberOwner(entry);
        var path = Merged(entry.Path);
        var (mode, uid, gid) = (entry.Mode, entry.Uid, entry.Gid);
        switch (entry.Type)
        {
            case TarEntryType.Directory:
                // The first package to lay a directory sets its mode, as dpkg keeps an existing one.
                _items.TryAdd(path, new Item(TarEntryType.Directory, mode, uid, gid, group));
                break;
            case TarEntryType.SymbolicLink:
                _items[path] = new Item(TarEntryType.SymbolicLink, mode, uid, gid, group) { Target = entry.LinkTarget };
                break;
            case TarEntryType.HardLink:
                _items[path] = new Item(TarEntryType.HardLink, mode, uid, gid, group)
                {
                    Target = Merged(entry.LinkTarget!.TrimStart('.', '/')),
                };
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                var content = new byte[entry.Length];
                entry.Content?.ReadExactly(content);
                _items[path] = new Item(TarEntryType.RegularFile, mode, uid, gid, group) { Content = content };
                break;
            default:
                throw new InvalidDataException(
                    $"The package entry '{entry.Path}' is a '{entry.Type}', which image layers built "
                    + "by Drydock do not hold. Drop it with a 'paths.drop' pattern.");
        }
    }

    private void RememberOwner(DebDataEntry entry)
    {
        if (entry.Uid != 0 && entry.UserName.Length > 0)
        {
            _packageUsers.TryAdd(entry.UserName, entry.Uid);
        }

        if (entry.Gid != 0 && entry.GroupName.Length > 0)
        {
            _packageGroups.TryAdd(entry.GroupName, entry.Gid);
        }
    }

    // Package paths under bin, sbin, lib and lib64 land under usr, through the links.
    private static string Merged(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var top = slash < 0 ? path : path[..slash];
        return _mergedDirectories.Contains(top) ? "usr/" + path : path;
    }

    private void AddFile(string path, byte[] content, string group = "",
        UnixFileMode mode = (UnixFileMode)0b110_100_100) =>
        _items[path] = new Item(TarEntryType.RegularFile, mode, 0, 0, group) { Content = content };

    private static byte[] Lines(IEnumerable<string> lines) =>
        Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    // Group is the source package whose layer holds the item, "" for what Drydock writes.
    private sealed record Item(TarEntryType Type, UnixFileMode Mode, int Uid, int Gid, string Group)
    {
        public byte[]? Content { get; init; }

        public string? Target { get; init; }
    }
}
