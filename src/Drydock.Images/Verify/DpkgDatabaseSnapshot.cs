using System.Text;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Deb822;
using Drydock.Packages.Dpkg;
using Drydock.Packages.Inventory;
using Drydock.Packages.Versions;

namespace Drydock.Images.Verify;

/// <summary>A conffile as the Conffiles field of the dpkg status lists it.</summary>
/// <param name="Path">The absolute path of the conffile.</param>
/// <param name="Md5">The MD5 of the packaged conffile, or <c>newconffile</c> before configuration.</param>
/// <param name="Obsolete">Marked <c>obsolete</c>: the package no longer ships it, so it is not checked.</param>
internal sealed record Conffile(string Path, string Md5, bool Obsolete);

/// <summary>
/// One package of the dpkg database with what verification needs: its relations, dpkg state,
/// conffiles, the files it owns and the MD5 of each file in its md5sums list. For status.d
/// packages <c>Md5sumsPath</c> is the list the files come from, which several packages of one
/// record file may share.
/// </summary>
internal sealed record DpkgEntry(
    PackageRecord Record,
    string Database,
    string State,
    IReadOnlyList<Conffile> Conffiles,
    IReadOnlyList<string>? Files,
    IReadOnlyDictionary<string, string>? Md5sums,
    string? Md5sumsPath = null);

/// <summary>
/// Reads the dpkg database of a root: <c>/var/lib/dpkg/status</c> with the <c>info/</c> lists
/// and md5sums beside it, and the per-package files of distroless images in <c>status.d/</c>
/// with their <c>.md5sums</c>. A malformed stanza is reported with its file and line, and the
/// rest is still read.
/// </summary>
internal static class DpkgDatabaseSnapshot
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

    public static (List<DpkgEntry> Packages, List<string> Problems) Read(IRootFileSystem root)
    {
        var lists = new DpkgFileLists(root, AdminDirectory);
        var packages = new List<DpkgEntry>();
        var problems = new List<string>();
        var files = root.List(StatusDirectory).Where(IsStanzaFile).ToList();
        if (root.ResolvePath(StatusFile) is not null)
        {
            files.Insert(0, StatusFile);
        }

        foreach (var file in files)
        {
            using var stream = root.OpenRead(file);
            if (stream is null)
            {
                continue;
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            foreach (var stanza in Deb822Reader.ReadAll(reader))
            {
                try
                {
                    if (ReadEntry(stanza, file, root, lists) is { } entry)
                    {
                        packages.Add(entry);
                    }
                }
                catch (FormatException e)
                {
                    problems.Add($"{file}:{stanza.LineNumber}: {e.Message}");
                }
            }
        }

        return (packages, problems);
    }

    private static DpkgEntry? ReadEntry(
        Deb822Paragraph stanza, string database, IRootFileSystem root, DpkgFileLists lists)
    {
        var name = stanza["Package"] ?? throw new FormatException("The stanza has no Package field.");
        // "Status: WANT FLAG STATE"; status.d stanzas of some distroless images have none.
        var words = stanza["Status"]?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var state = words is [_, _, var s] ? s : "installed";
        if (state is "not-installed" or "config-files")
        {
            return null;
        }

        var versionText = stanza["Version"]
            ?? throw new FormatException($"The stanza of '{name}' has no Version field.");
        var version = DebianVersion.TryParse(versionText, out var parsed)
            ? parsed
            : throw new FormatException($"The stanza of '{name}' has an invalid version '{versionText}'.");
        var architecture = stanza["Architecture"] ?? "all";
        var record = new PackageRecord
        {
            Name = name,
            Version = version,
            Architecture = architecture,
            MultiArch = stanza["Multi-Arch"] switch
            {
                "same" => MultiArch.Same,
                "foreign" => MultiArch.Foreign,
                "allowed" => MultiArch.Allowed,
                _ => MultiArch.No,
            },
            Source = name,
            SourceVersion = version,
            DependsText = stanza["Depends"],
            PreDependsText = stanza["Pre-Depends"],
            ProvidesText = stanza["Provides"],
            BreaksText = stanza["Breaks"],
            ConflictsText = stanza["Conflicts"],
            ReplacesText = stanza["Replaces"],
            Status = stanza["Status"],
        };

        var md5sumsPath = database == StatusFile ? null : StatusDirectoryMd5sums(root, name, architecture, database);
        var fileList = (md5sumsPath is null ? null : lists.FromMd5sums(md5sumsPath, name))
            ?? lists.ForPackage(name, architecture);
        var md5sums = ReadMd5sums(root, lists, md5sumsPath is null ? [] : [md5sumsPath], name, architecture);
        var conffiles = ParseConffiles(stanza["Conffiles"], name);
        return new DpkgEntry(record, database, state, conffiles, fileList, md5sums, md5sumsPath);
    }

    // Distroless names a package's list after the package, and scanners such as syft look for
    // NAME:ARCH.md5sums, then NAME.md5sums. A list named after a record file with several
    // stanzas is shared by the packages that have no list of their own.
    private static string? StatusDirectoryMd5sums(IRootFileSystem root, string name, string architecture, string record)
    {
        string[] candidates =
        [
            $"{StatusDirectory}/{name}:{architecture}.md5sums",
            $"{StatusDirectory}/{name}.md5sums",
            record + ".md5sums",
        ];
        return candidates.FirstOrDefault(path => root.ResolvePath(path) is not null);
    }

    // deb-md5sums(5): "MD5  PATH" per line, the path relative to the root.
    private static Dictionary<string, string>? ReadMd5sums(
        IRootFileSystem root, DpkgFileLists lists, IEnumerable<string> extra, string name, string architecture)
    {
        var candidates = extra.Concat([
            $"{AdminDirectory}/info/{name}:{architecture}.md5sums", $"{AdminDirectory}/info/{name}.md5sums"]);
        foreach (var path in candidates)
        {
            using var stream = root.OpenRead(path);
            if (stream is null)
            {
                continue;
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sums = new Dictionary<string, string>(StringComparer.Ordinal);
            var lineNumber = 0;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (line.Length == 0)
                {
                    continue;
                }

                if (space != 32)
                {
                    throw new FormatException(
                        $"Line {lineNumber} of '{path}' is '{line}', which is not an MD5 digest and a path.");
                }

                sums[Divert(lists, "/" + line[(space + 1)..].TrimStart().TrimStart('/'), name)] = line[..space];
            }

            return sums;
        }

        return null;
    }

    private static bool IsStanzaFile(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return !name.StartsWith('.') && !_controlFileSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));
    }

    private static string Divert(DpkgFileLists lists, string path, string package)
    {
        foreach (var diversion in lists.Diversions)
        {
            if (diversion.From == path && diversion.Package != package)
            {
                return diversion.To;
            }
        }

        return path;
    }

    // The Conffiles field of the dpkg status: one " PATH MD5 [obsolete] [remove-on-upgrade]" per line.
    private static List<Conffile> ParseConffiles(string? field, string name)
    {
        var conffiles = new List<Conffile>();
        var lines = (field ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var line in lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2)
            {
                throw new FormatException($"The Conffiles line '{line}' of '{name}' has no MD5 digest.");
            }

            conffiles.Add(new Conffile(words[0], words[1], words.Skip(2).Contains("obsolete")));
        }

        return conffiles;
    }
}
