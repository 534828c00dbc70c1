using System.Text;

namespace Drydock.Images.Patch;

/// <summary>
/// The status records of the image, in either layout dpkg's readers accept: the one
/// <c>/var/lib/dpkg/status</c> file of a dpkg-managed image, or the record files of
/// <c>/var/lib/dpkg/status.d/</c> that distroless images carry instead, with each package's
/// md5sums list in the same directory and no <c>info</c> directory.
/// </summary>
/// <remarks>
/// Distroless writes one record per package, <c>status.d/NAME</c>, holding the package's
/// control file, and its md5sums as <c>status.d/NAME.md5sums</c> (PACKAGE_METADATA.md of
/// GoogleContainerTools/distroless, 2025). Scanners such as syft find a package's md5sums by
/// package name, <c>NAME:ARCH.md5sums</c> and then <c>NAME.md5sums</c>, whichever record file
/// contains its stanza. Other builders write several stanzas to one record file with one md5sums
/// list beside it for all of them, which this store calls a shared list.
/// </remarks>
internal sealed class DpkgStatusStore
{
    public const string StatusPath = "var/lib/dpkg/status";
    public const string StatusDirectory = "var/lib/dpkg/status.d";

    private const string Md5sumsSuffix = ".md5sums";

    private readonly ImageSnapshot _image;
    private readonly SortedDictionary<string, DpkgStatusEditor> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _md5sums = new(StringComparer.Ordinal);

    private DpkgStatusStore(ImageSnapshot image, bool perPackage)
    {
        _image = image;
        PerPackage = perPackage;
    }

    /// <summary>Whether the records are status.d record files rather than one status file.</summary>
    public bool PerPackage { get; }

    /// <exception cref="InvalidDataException">The image has neither a status file nor status.d records.</exception>
    public static DpkgStatusStore Read(ImageSnapshot image)
    {
        if (image.ReadFile(StatusPath) is { } status)
        {
            var single = new DpkgStatusStore(image, perPackage: false);
            single._files[StatusPath] = new DpkgStatusEditor(Encoding.UTF8.GetString(status));
            return single;
        }

        var store = new DpkgStatusStore(image, perPackage: true);
        foreach (var path in StanzaFiles(image))
        {
            store._files[path] = new DpkgStatusEditor(Encoding.UTF8.GetString(image.ReadFile(path) ?? []));
        }

        return store._files.Count > 0 ? store : throw new InvalidDataException(
            $"The image has no dpkg status file '/{StatusPath}' and no records in '/{StatusDirectory}', "
            + "so it has no dpkg database to patch. Patch only Debian-family images.");
    }

    /// <summary>
    /// Returns the status.d record files of an image: every file directly in status.d except
    /// hidden ones and the control files kept beside the records.
    /// </summary>
    public static IEnumerable<string> StanzaFiles(ImageSnapshot image) =>
        image.Children(StatusDirectory).Where(path =>
            image.KindOf(path) == Oci.Layers.LayerEntryKind.File
            && !Path.GetFileName(path).StartsWith('.')
            && Path.GetExtension(path) is not (Md5sumsSuffix or ".list" or ".conffiles" or ".preinst"
                or ".postinst" or ".prerm" or ".postrm" or ".triggers" or ".shlibs" or ".symbols"));

    /// <summary>Returns the stanza of an installed package and the file that contains it.</summary>
    public (string Stanza, string File)? Find(string name, string architecture)
    {
        foreach (var (file, editor) in _files)
        {
            if (editor.Find(name, architecture) is { } stanza)
            {
                return (stanza, file);
            }
        }

        return null;
    }

    /// <summary>
    /// Returns the paths a status.d package's md5sums list names, or none when the list is
    /// shared with other packages, because the lines of one package cannot be picked out of it.
    /// </summary>
    public IReadOnlyList<string> OldFiles(string name, string architecture) =>
        InstalledMd5sums(name, architecture) is { } list && !IsShared(list.Path, list.Stanza)
            ? [.. Md5sumsLines(list.Path).Select(line => line.Path)]
            : [];

    /// <summary>
    /// Returns the owner name of a status.d package's files: its md5sums path without the
    /// suffix, the same name under which <see cref="PatchLayerPlanner"/> indexes every list.
    /// </summary>
    public string Md5sumsOwner(string name, string architecture) =>
        InstalledMd5sums(name, architecture) is { } list ? list.Path[..^Md5sumsSuffix.Length] : "";

    /// <summary>
    /// Replaces a package's stanza where it is, or adds it: to the status file, or as a new
    /// status.d file named after the package. In status.d the md5sums list is written too.
    /// </summary>
    public void Set(string name, string architecture, string stanza, byte[]? md5sums)
    {
        var old = Find(name, architecture);
        var file = old?.File ?? NewFile(name, architecture);
        if (PerPackage)
        {
            // The list is placed before the stanza changes, because sharing is decided by the old one.
            SetMd5sums(Identify(old?.Stanza ?? stanza, name, architecture), old?.Stanza, file, md5sums ?? []);
        }

        if (!_files.TryGetValue(file, out var editor))
        {
            _files[file] = editor = new DpkgStatusEditor("");
        }

        editor.Set(name, architecture, stanza);
        _changed.Add(file);
    }

    /// <summary>Returns the files this store changed, ready for the layer.</summary>
    public IEnumerable<LayerItem> Items(DateTimeOffset time)
    {
        foreach (var file in _changed)
        {
            yield return LayerItem.File(file, _files[file].ToBytes(), time);
        }

        foreach (var (path, content) in _md5sums)
        {
            yield return LayerItem.File(path, content, time);
        }
    }

    // A shared list keeps the other packages' lines, and the package gets a list of its own
    // under its name, as distroless lays it out. A list of the package alone is replaced.
    private void SetMd5sums(PackageKey package, string? oldStanza, string record, byte[] md5sums)
    {
        var current = Md5sumsPath(package, record);
        if (current is not null && (oldStanza is null || !IsShared(current, oldStanza)))
        {
            _md5sums[current] = md5sums;
            return;
        }

        if (current is not null)
        {
            var own = ParseMd5sums(md5sums).Select(line => line.Path).ToHashSet(StringComparer.Ordinal);
            var kept = Md5sumsLines(current).Where(line => !own.Contains(line.Path)).Select(line => line.Text + "\n");
            _md5sums[current] = Encoding.UTF8.GetBytes(string.Concat(kept));
        }

        _md5sums[FreeMd5sumsPath(package, current)] = md5sums;
    }

    // NOTE: the lines a shared list keeps for a patched package's files that the new version
    // no longer ships stay in the list, and those files stay in the image, because no record
    // shows which package listed them.
    private bool IsShared(string path, string stanza)
    {
        foreach (var (file, editor) in _files)
        {
            foreach (var other in editor.Stanzas.Where(s => s != stanza))
            {
                if (Md5sumsPath(Identify(other, "", ""), file) == path)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private (string Stanza, string Path)? InstalledMd5sums(string name, string architecture) =>
        Find(name, architecture) is { } old
        && Md5sumsPath(Identify(old.Stanza, name, architecture), old.File) is { } path
            ? (old.Stanza, path)
            : null;

    // The md5sums of a status.d package: by its name as distroless and scanners look it up,
    // then the list beside its record file.
    private string? Md5sumsPath(PackageKey package, string record) =>
        new[]
        {
            $"{StatusDirectory}/{package.Name}:{package.Architecture}{Md5sumsSuffix}",
            $"{StatusDirectory}/{package.Name}{Md5sumsSuffix}",
            record + Md5sumsSuffix,
        }.FirstOrDefault(Md5sumsExists);

    private string FreeMd5sumsPath(PackageKey package, string? shared)
    {
        var byName = $"{StatusDirectory}/{package.Name}{Md5sumsSuffix}";
        var qualified = $"{StatusDirectory}/{package.Name}:{package.Architecture}{Md5sumsSuffix}";
        return byName != shared && !Md5sumsExists(byName) ? byName
            : qualified != shared && !Md5sumsExists(qualified) ? qualified
            : throw new InvalidDataException(
                $"The md5sums lists '/{byName}' and '/{qualified}' both belong to other packages, so "
                + $"the patch has nowhere to write the list of '{package.Name}'. Check the image's status.d.");
    }

    private bool Md5sumsExists(string path) =>
        _md5sums.ContainsKey(path) || _image.KindOf(path) == Oci.Layers.LayerEntryKind.File;

    private IEnumerable<(string Text, string Path)> Md5sumsLines(string path) =>
        ParseMd5sums(_md5sums.GetValueOrDefault(path) ?? _image.ReadFile(path));

    // deb-md5sums(5): an MD5 digest, two spaces and the path without its leading '/'.
    private static IEnumerable<(string Text, string Path)> ParseMd5sums(byte[]? content) =>
        Encoding.UTF8.GetString(content ?? []).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Length > 34)
            .Select(line => (line, RootPaths.Normalise(line[34..])))
            .Where(line => line.Item2.Length > 0);

    // A stanza without an Architecture field keys as the requested architecture, or "all".
    private static PackageKey Identify(string stanza, string name, string architecture) => new(
        DpkgStatusEditor.Field(stanza, "Package") ?? name,
        DpkgStatusEditor.Field(stanza, "Architecture") ?? (architecture.Length > 0 ? architecture : "all"));

    private string NewFile(string name, string architecture)
    {
        if (!PerPackage)
        {
            return StatusPath;
        }

        var plain = $"{StatusDirectory}/{name}";
        return _files.ContainsKey(plain) ? $"{StatusDirectory}/{name}:{architecture}" : plain;
    }

    private readonly record struct PackageKey(string Name, string Architecture);
}
