using System.Formats.Tar;
using System.Text;
using Drydock.Oci.Writing;
using Drydock.Packages.Deb;

namespace Drydock.Images.Build;

/// <summary>
/// Lays the data.tar of each package into one layer without running maintainer scripts, as
/// distroless does, and writes natively what the scripts would have made: the dpkg records in
/// <c>/var/lib/dpkg/status.d/</c>, <c>/etc/passwd</c>, <c>/etc/group</c>, <c>/etc/shadow</c>
/// and <c>/tmp</c>. The tree is merged-/usr, as Debian 12's own images are.
/// </summary>
/// <remarks>
/// NOTE: file contents are held in memory until the layer is written, which suits base images
/// of tens of megabytes, not images of gigabytes.
/// NOTE: owners come out as root: the .deb reader does not report a data.tar entry's uid and gid.
/// The CA bundle, its links and the ld.so cache are made natively (RootfsAssembler.Scripts.cs).
/// </remarks>
internal sealed partial class RootfsAssembler
{
    private const string StatusDirectory = "var/lib/dpkg/status.d";

    // Debian's usrmerge (and debootstrap's merged-usr default since bookworm) links these
    // top-level directories into /usr; lib32 and libx32 only exist on a few architectures.
    private static readonly string[] _mergedDirectories = ["bin", "sbin", "lib", "lib64"];

    private readonly SortedDictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly PathFilter _filter;
    private DateTimeOffset _newest = DateTimeOffset.UnixEpoch;

    public RootfsAssembler(SpecPaths paths)
    {
        _filter = new PathFilter(paths);
    }

    /// <summary>The newest modification time in any package, the layer time without SOURCE_DATE_EPOCH.</summary>
    public DateTimeOffset Newest => _newest;

    /// <summary>Lays one package's files and its dpkg record.</summary>
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

        var keptPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in deb.ReadDataEntries())
        {
            if (entry.Path.Length > 0 && _filter.Includes(entry.Path, entry.Type == TarEntryType.SymbolicLink))
            {
                Lay(entry);
                keptPaths.Add(entry.Path);
            }
        }

        var control = package.ReadText("control") ?? throw new InvalidDataException(
            $"The package '{debPath}' has no control file.");
        AddFile($"{StatusDirectory}/{locked.Name}", Encoding.UTF8.GetBytes(control.TrimEnd('\n') + "\n"));
        var md5sums = package.Md5Sums.Where(p => keptPaths.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Value}  {p.Key}\n");
        AddFile($"{StatusDirectory}/{locked.Name}.md5sums", Encoding.UTF8.GetBytes(string.Concat(md5sums)));
    }

    /// <summary>Writes /etc/passwd, /etc/group, /etc/shadow and the home directories of the spec's users.</summary>
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

        AddFile("etc/passwd", Lines(users.Select(u => $"{u.Name}:x:{u.Uid}:{u.Gid}:{u.Name}:{u.Home}:{u.Shell}")));
        AddFile("etc/group", Lines(groups.Select(g => $"{g.Name}:x:{g.Gid}:")));

        // '*' locks the password; the last-change field is empty so the file does not depend on the day.
        AddFile("etc/shadow", Lines(users.Select(u => $"{u.Name}:*::0:99999:7:::")), (UnixFileMode)0b110_100_000);
        foreach (var user in users)
        {
            var mode = user.Uid == 0 ? (UnixFileMode)0b111_000_000 : (UnixFileMode)0b111_101_101;
            _items[user.Home.Trim('/')] = new Item(TarEntryType.Directory, mode, user.Uid, user.Gid);
        }

        // Sticky and world-writable, as base-files makes it.
        _items["tmp"] = new Item(TarEntryType.Directory, (UnixFileMode)0b1_111_111_111, 0, 0);
    }

    /// <summary>Adds the merged-/usr links and builds the layer.</summary>
    public LayerBuilder ToLayer()
    {
        foreach (var directory in _mergedDirectories)
        {
            _items[directory] = new Item(TarEntryType.SymbolicLink, (UnixFileMode)0b111_111_111, 0, 0)
            {
                Target = "usr/" + directory,
            };
        }

        ApplyMaintainerScripts();
        var layer = new LayerBuilder(_newest);
        foreach (var (path, item) in _items)
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

    private void Lay(DebDataEntry entry)
    {
        if (entry.ModificationTime > _newest)
        {
            _newest = entry.ModificationTime;
        }

        var path = Merged(entry.Path);
        switch (entry.Type)
        {
            case TarEntryType.Directory:
                // The first package to lay a directory sets its mode, as dpkg keeps an existing one.
                _items.TryAdd(path, new Item(TarEntryType.Directory, entry.Mode, 0, 0));
                break;
            case TarEntryType.SymbolicLink:
                _items[path] = new Item(TarEntryType.SymbolicLink, entry.Mode, 0, 0) { Target = entry.LinkTarget };
                break;
            case TarEntryType.HardLink:
                _items[path] = new Item(TarEntryType.HardLink, entry.Mode, 0, 0)
                {
                    Target = Merged(entry.LinkTarget!.TrimStart('.', '/')),
                };
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                var content = new byte[entry.Length];
                entry.Content?.ReadExactly(content);
                _items[path] = new Item(TarEntryType.RegularFile, entry.Mode, 0, 0) { Content = content };
                break;
            default:
                throw new InvalidDataException(
                    $"The package entry '{entry.Path}' is a '{entry.Type}', which image layers built "
                    + "by Drydock do not hold. Drop it with a 'paths.drop' pattern.");
        }
    }

    // Package paths under bin, sbin, lib and lib64 land under usr, through the links.
    private static string Merged(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var top = slash < 0 ? path : path[..slash];
        return _mergedDirectories.Contains(top) ? "usr/" + path : path;
    }

    private void AddFile(string path, byte[] content, UnixFileMode mode = (UnixFileMode)0b110_100_100) =>
        _items[path] = new Item(TarEntryType.RegularFile, mode, 0, 0) { Content = content };

    private static byte[] Lines(IEnumerable<string> lines) =>
        Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    private sealed record Item(TarEntryType Type, UnixFileMode Mode, int Uid, int Gid)
    {
        public byte[]? Content { get; init; }

        public string? Target { get; init; }
    }
}
