using System.Text;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Dpkg;

/// <summary>
/// The files each dpkg package owns: <c>info/PACKAGE[:ARCH].list</c>, else the package's
/// md5sums (the only list a distroless <c>status.d</c> entry has), with the diversions of
/// <c>/var/lib/dpkg/diversions</c> applied, so that a diverted file is listed where it lies.
/// </summary>
internal sealed class DpkgFileLists
{
    private readonly IRootFileSystem _root;
    private readonly string _infoDirectory;
    private readonly List<Diversion> _diversions;

    public DpkgFileLists(IRootFileSystem root, string adminDirectory)
    {
        _root = root;
        _infoDirectory = adminDirectory + "/info";
        _diversions = ReadDiversions(root, adminDirectory + "/diversions");
    }

    /// <summary>A diversion: files at a path go to another, except those of the diverting package.</summary>
    /// <param name="From">The diverted path.</param>
    /// <param name="To">Where the other packages' file at that path is put.</param>
    /// <param name="Package">The package that made the diversion, or null for a local one.</param>
    internal readonly record struct Diversion(string From, string To, string? Package);

    public IReadOnlyList<Diversion> Diversions => _diversions;

    /// <summary>Lists a package's files from the info directory, or returns null when it has no list.</summary>
    public IReadOnlyList<string>? ForPackage(string name, string? architecture)
    {
        // dpkg names the files of a Multi-Arch: same package PACKAGE:ARCH.list, others PACKAGE.list.
        var candidates = architecture is null ? [name] : new[] { $"{name}:{architecture}", name };
        foreach (var stem in candidates)
        {
            if (ReadLines(_infoDirectory + "/" + stem + ".list", md5sums: false) is { } list)
            {
                return Divert(list, name);
            }
        }

        foreach (var stem in candidates)
        {
            if (ReadLines(_infoDirectory + "/" + stem + ".md5sums", md5sums: true) is { } sums)
            {
                return Divert(sums, name);
            }
        }

        return null;
    }

    /// <summary>Lists the paths in an md5sums file beside a status.d entry, or null when absent.</summary>
    public IReadOnlyList<string>? FromMd5sums(string path, string package) =>
        ReadLines(path, md5sums: true) is { } sums ? Divert(sums, package) : null;

    private List<string> Divert(List<string> files, string package)
    {
        if (_diversions.Count == 0)
        {
            return files;
        }

        for (var i = 0; i < files.Count; i++)
        {
            foreach (var diversion in _diversions)
            {
                if (diversion.From == files[i] && diversion.Package != package)
                {
                    files[i] = diversion.To;
                    break;
                }
            }
        }

        return files;
    }

    private List<string>? ReadLines(string path, bool md5sums)
    {
        using var stream = _root.OpenRead(path);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var files = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            // md5sums lines are "DIGEST  PATH" with the path relative to the root.
            var file = md5sums ? line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..].TrimStart() : line;
            if (file.Length > 0)
            {
                files.Add(file.StartsWith('/') ? file : "/" + file);
            }
        }

        return files;
    }

    private static List<Diversion> ReadDiversions(IRootFileSystem root, string path)
    {
        using var stream = root.OpenRead(path);
        if (stream is null)
        {
            return [];
        }

        // Three lines per diversion: the diverted path, where it goes, and the diverting
        // package or ":" for a local diversion.
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var diversions = new List<Diversion>();
        while (reader.ReadLine() is { } from)
        {
            var to = reader.ReadLine();
            var package = reader.ReadLine();
            if (to is null || package is null)
            {
                throw new InvalidDataException(
                    $"The dpkg diversions file '{path}' ends inside the entry for '{from}'; " +
                    "each entry has three lines.");
            }

            diversions.Add(new Diversion(from, to, package == ":" ? null : package));
        }

        return diversions;
    }
}
