using System.Text;
using Drydock.Packages.Deb822;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Dpkg;

/// <summary>
/// Reads the dpkg database: <c>/var/lib/dpkg/status</c> and the per-package files of
/// distroless images in <c>/var/lib/dpkg/status.d/</c>. Only these paths are read, so a file
/// named <c>status</c> elsewhere (vcpkg uses the same format) is never taken for a dpkg database.
/// </summary>
internal sealed class DpkgDatabaseReader : IPackageDatabaseReader
{
    private const string AdminDirectory = "/var/lib/dpkg";
    private const string StatusFile = AdminDirectory + "/status";
    private const string StatusDirectory = AdminDirectory + "/status.d";

    // Control files that distroless images keep beside each status.d stanza file.
    private static readonly string[] _controlFileSuffixes =
    [
        ".md5sums", ".conffiles", ".preinst", ".postinst", ".prerm", ".postrm", ".triggers",
        ".shlibs", ".symbols", ".templates", ".config", ".list",
    ];

    public bool IsDatabasePath(string absolutePath) =>
        absolutePath is StatusFile or AdminDirectory + "/diversions"
        || IsDirectChild(absolutePath, StatusDirectory)
        || (IsDirectChild(absolutePath, AdminDirectory + "/info")
            && (absolutePath.EndsWith(".list", StringComparison.Ordinal)
                || absolutePath.EndsWith(".md5sums", StringComparison.Ordinal)));

    public void Read(IRootFileSystem root, PackageInventoryOptions options, PackageInventoryResult result)
    {
        var statusFiles = new List<string>();
        if (root.OpenRead(StatusFile) is { } probe)
        {
            probe.Dispose();
            statusFiles.Add(StatusFile);
        }
        else if (root.ResolvePath(StatusFile) is { } resolved)
        {
            // A directory, a device or a link to a path that is not read: listing nothing
            // without a word would pass for an image with no packages.
            result.Report(StatusFile, 0,
                $"The dpkg database '{StatusFile}' exists but is not a regular file Drydock reads (it resolves to "
                + $"'{resolved}'), so its packages are not listed.");
        }

        statusFiles.AddRange(root.List(StatusDirectory).Where(IsStanzaFile));
        if (statusFiles.Count == 0)
        {
            return;
        }

        var files = options.IncludeFiles ? new DpkgFileLists(root, AdminDirectory) : null;

        // dpkg identifies a package by name and architecture (Multi-Arch: same packages appear
        // once per architecture). When a package is listed twice, dpkg's parser lets the later
        // stanza overwrite the earlier one, so the last entry read is the one kept here too.
        var listed = new Dictionary<(string, string?), Listed>();
        foreach (var path in statusFiles)
        {
            using var stream = root.OpenRead(path);
            if (stream is null)
            {
                continue;
            }

            result.AddDatabase(path);
            ReadStatusFile(stream, path, listed, result);
        }

        foreach (var entry in listed.Values.OrderBy(e => e.Order))
        {
            result.Add(files is null
                ? entry.Package
                : entry.Package with { Files = ListFiles(files, entry.Path, entry.Package, entry.StanzasInFile) });
        }
    }

    private static void ReadStatusFile(
        Stream stream,
        string path,
        Dictionary<(string, string?), Listed> listed,
        PackageInventoryResult result)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var stanzas = 0;
        var fromThisFile = new List<(string, string?)>();
        foreach (var stanza in Deb822Reader.ReadAll(reader))
        {
            var (package, error) = DpkgPackageParser.Parse(stanza, path);
            if (error is not null)
            {
                result.Report(path, stanza.LineNumber, error);
                continue;
            }

            if (package is null)
            {
                continue;
            }

            stanzas++;
            var key = (package.Name, package.Architecture);
            var order = listed.Count;
            if (listed.TryGetValue(key, out var earlier))
            {
                order = earlier.Order;
                result.Report(path, stanza.LineNumber,
                    $"Package '{package.Name}' ({package.Architecture}) is listed again; this entry, version "
                    + $"'{package.Version}', replaces version '{earlier.Package.Version}' from '{earlier.Path}', "
                    + "as dpkg reads it.");
            }

            // dpkg reads such a version from its database with a warning, so it is listed and
            // the warning reported.
            if (package.Dpkg?.ParsedVersion.Warning is { } warning)
            {
                result.Report(path, stanza.LineNumber,
                    $"Package '{package.Name}' has version '{package.Version}', which dpkg warns about: {warning}.");
            }

            listed[key] = new Listed(package, path, order, 0);
            fromThisFile.Add(key);
        }

        foreach (var key in fromThisFile)
        {
            if (listed[key].Path == path)
            {
                listed[key] = listed[key] with { StanzasInFile = stanzas };
            }
        }
    }

    private sealed record Listed(InstalledPackage Package, string Path, int Order, int StanzasInFile);

    private static IReadOnlyList<string> ListFiles(
        DpkgFileLists files, string path, InstalledPackage package, int count)
    {
        // A status.d entry's file list is the md5sums file beside it. When one file has several
        // stanzas, that list does not name its stanza, so only the info directory is used.
        var beside = path != StatusFile && count == 1 ? files.FromMd5sums(path + ".md5sums", package.Name) : null;
        return beside ?? files.ForPackage(package.Name, package.Architecture) ?? [];
    }

    private static bool IsDirectChild(string path, string directory) =>
        path.Length > directory.Length + 1
        && path.StartsWith(directory + "/", StringComparison.Ordinal)
        && path.IndexOf('/', directory.Length + 1) < 0;

    private static bool IsStanzaFile(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return !name.StartsWith('.')
            && !_controlFileSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal));
    }
}
