using Drydock.Packages.Deb822;

namespace Drydock.Packages.Deb;

/// <summary>
/// The control part of a .deb (deb(5) and deb-control(5) of dpkg 1.22): its fields and the
/// files that dpkg keeps in /var/lib/dpkg/info once the package is installed.
/// </summary>
internal sealed class DebPackage
{
    /// <summary>The maintainer scripts that dpkg runs, by their control-archive name.</summary>
    public static readonly IReadOnlySet<string> MaintainerScriptNames =
        new HashSet<string>(StringComparer.Ordinal) { "preinst", "postinst", "prerm", "postrm", "config" };

    public required string FileName { get; init; }

    /// <summary>The text of the debian-binary member, such as <c>2.0</c>.</summary>
    public required string FormatVersion { get; init; }

    /// <summary>The compression of control.tar: none, gzip, xz or zstd.</summary>
    public required string ControlCompression { get; init; }

    /// <summary>The fields of the control file.</summary>
    public required Deb822Paragraph Control { get; init; }

    /// <summary>Every file of the control archive by name (<c>control</c>, <c>md5sums</c>, <c>postinst</c>, ...).</summary>
    public required IReadOnlyDictionary<string, byte[]> ControlFiles { get; init; }

    public string Name => Control["Package"] ?? "";

    public string Version => Control["Version"] ?? "";

    public string Architecture => Control["Architecture"] ?? "";

    /// <summary>The conffiles list: absolute paths, one per line, without the <c>remove-on-upgrade</c> flag.</summary>
    public IReadOnlyList<string> Conffiles => Lines("conffiles")
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])
        .ToArray();

    /// <summary>MD5 sums of the data files, keyed by path without a leading slash, as in the md5sums file.</summary>
    public IReadOnlyDictionary<string, string> Md5Sums
    {
        get
        {
            var sums = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in Lines("md5sums"))
            {
                // Each line is a 32-digit hex MD5, two spaces and the path.
                if (line.Length > 34 && line[32] == ' ')
                {
                    sums[line[34..].TrimStart('/')] = line[..32];
                }
            }

            return sums;
        }
    }

    /// <summary>The maintainer scripts present, by name.</summary>
    public IReadOnlyDictionary<string, byte[]> MaintainerScripts =>
        ControlFiles.Where(f => MaintainerScriptNames.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value);

    /// <summary>The triggers file's directives (<c>interest</c>, <c>activate-noawait</c>, ...), comments removed.</summary>
    public IReadOnlyList<string> Triggers => Lines("triggers").Where(l => !l.StartsWith('#')).ToArray();

    /// <summary>The shlibs file's lines: library, SONAME version and dependency.</summary>
    public IReadOnlyList<string> Shlibs => Lines("shlibs").Where(l => !l.StartsWith('#')).ToArray();

    /// <summary>Returns a control file as text, or null when absent.</summary>
    public string? ReadText(string name) =>
        ControlFiles.TryGetValue(name, out var bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    private IEnumerable<string> Lines(string name) =>
        (ReadText(name) ?? "").Split('\n').Select(l => l.TrimEnd('\r', ' ', '\t')).Where(l => l.Length > 0);
}
