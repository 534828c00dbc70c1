using System.Text;

namespace Drydock.Images.Patch;

/// <summary>
/// The status records of the image, in either layout dpkg's readers accept: the one
/// <c>/var/lib/dpkg/status</c> file of a dpkg-managed image, or the per-package files of
/// <c>/var/lib/dpkg/status.d/</c> that distroless images carry instead, each with its file
/// list as <c>NAME.md5sums</c> beside it and no <c>info</c> directory.
/// </summary>
internal sealed class DpkgStatusStore
{
    public const string StatusPath = "var/lib/dpkg/status";
    public const string StatusDirectory = "var/lib/dpkg/status.d";

    private readonly SortedDictionary<string, DpkgStatusEditor> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _md5sums = new(StringComparer.Ordinal);

    private DpkgStatusStore(bool perPackage) => PerPackage = perPackage;

    /// <summary>Whether the records are distroless per-package files rather than one status file.</summary>
    public bool PerPackage { get; }

    /// <exception cref="InvalidDataException">The image has neither a status file nor status.d records.</exception>
    public static DpkgStatusStore Read(ImageSnapshot image)
    {
        if (image.ReadFile(StatusPath) is { } status)
        {
            var single = new DpkgStatusStore(perPackage: false);
            single._files[StatusPath] = new DpkgStatusEditor(Encoding.UTF8.GetString(status));
            return single;
        }

        var store = new DpkgStatusStore(perPackage: true);
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
            && Path.GetExtension(path) is not (".md5sums" or ".list" or ".conffiles" or ".preinst"
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
    /// Replaces a package's stanza where it is, or adds it: to the status file, or as a new
    /// status.d file named after the package. In status.d the md5sums are written beside it.
    /// </summary>
    public void Set(string name, string architecture, string stanza, byte[]? md5sums)
    {
        var file = Find(name, architecture)?.File ?? NewFile(name, architecture);
        if (!_files.TryGetValue(file, out var editor))
        {
            _files[file] = editor = new DpkgStatusEditor("");
        }

        editor.Set(name, architecture, stanza);
        _changed.Add(file);
        if (PerPackage)
        {
            // NOTE: a record file with several stanzas shares one md5sums file, which then
            // holds only the last package written; distroless writes one stanza per file.
            _md5sums[file + ".md5sums"] = md5sums ?? [];
        }
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

    private string NewFile(string name, string architecture)
    {
        if (!PerPackage)
        {
            return StatusPath;
        }

        var plain = $"{StatusDirectory}/{name}";
        return _files.ContainsKey(plain) ? $"{StatusDirectory}/{name}:{architecture}" : plain;
    }
}
