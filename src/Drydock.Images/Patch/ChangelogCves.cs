using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Drydock.Packages.Versions;

namespace Drydock.Images.Patch;

/// <summary>
/// Reads the CVE ids that a package's <c>changelog.Debian.gz</c> names in the entries newer
/// than the installed version (Debian Policy 4.6, section 4.4: each entry starts with a line
/// <c>package (version) distributions; urgency=...</c>).
/// </summary>
internal static partial class ChangelogCves
{
    public static IReadOnlyList<string> Find(DebFile deb, string package, DebianVersion installed)
    {
        var entry = deb.Data.FirstOrDefault(e =>
            e.Path.StartsWith("usr/share/doc/", StringComparison.Ordinal)
            && e.Path.EndsWith("/changelog.Debian.gz", StringComparison.Ordinal)
            && e.Length > 0
            && e.Path.Contains($"/{package}/", StringComparison.Ordinal))
            ?? deb.Data.FirstOrDefault(e => e.Path.EndsWith("/changelog.Debian.gz", StringComparison.Ordinal)
                && e.Length > 0);
        if (entry is null)
        {
            return [];
        }

        using var gzip = new GZipStream(new MemoryStream(entry.ReadContent()), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var header = Header().Match(line);
            if (header.Success && DebianVersion.TryParse(header.Groups["version"].Value, out var version)
                && version <= installed)
            {
                break;
            }

            foreach (Match match in Cve().Matches(line))
            {
                found.Add(match.Value);
            }
        }

        return [.. found];
    }

    [GeneratedRegex(@"^\S+ \((?<version>[^)]+)\) ")]
    private static partial Regex Header();

    [GeneratedRegex(@"CVE-\d{4}-\d{4,}")]
    private static partial Regex Cve();
}
