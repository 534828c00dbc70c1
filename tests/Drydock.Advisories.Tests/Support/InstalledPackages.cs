namespace Drydock.Advisories.Tests.Support;

/// <summary>
/// Minimal readers of dpkg status files and apk installed databases, enough to turn the
/// real fixtures into <see cref="PackageQuery"/> lists for the matching tests.
/// </summary>
public static class InstalledPackages
{
    public static List<PackageQuery> ReadDpkgStatus(string path) =>
        ReadStanzas(File.ReadAllText(path)).Where(IsInstalled).Select(ToDebQuery).ToList();

    public static List<PackageQuery> ReadDpkgStatusFolder(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(file => !Path.GetFileName(file).Contains('.'))
            .Order(StringComparer.Ordinal)
            .SelectMany(ReadDpkgStatus)
            .ToList();

    public static List<PackageQuery> ReadApkInstalled(string path)
    {
        var result = new List<PackageQuery>();
        foreach (var block in File.ReadAllText(path).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = block.Split('\n')
                .Where(line => line.Length > 2 && line[1] == ':')
                .GroupBy(line => line[0])
                .ToDictionary(group => group.Key, group => group.First()[2..]);
            if (fields.TryGetValue('P', out var name) && fields.TryGetValue('V', out var version))
            {
                result.Add(new PackageQuery(name, version, fields.GetValueOrDefault('o'), null,
                    fields.GetValueOrDefault('A'), PackageType.Apk));
            }
        }

        return result;
    }

    private static bool IsInstalled(Dictionary<string, string> stanza) =>
        !stanza.TryGetValue("Status", out var status)
        || status.Split(' ') is [_, _, var state] && state is not ("not-installed" or "config-files");

    private static PackageQuery ToDebQuery(Dictionary<string, string> stanza)
    {
        string? sourceName = null;
        string? sourceVersion = null;
        if (stanza.TryGetValue("Source", out var source))
        {
            var open = source.IndexOf('(');
            sourceName = (open < 0 ? source : source[..open]).Trim();
            sourceVersion = open < 0 ? null : source[(open + 1)..source.IndexOf(')')].Trim();
        }

        return new PackageQuery(stanza["Package"], stanza["Version"], sourceName, sourceVersion,
            stanza.GetValueOrDefault("Architecture"), PackageType.Deb);
    }

    private static IEnumerable<Dictionary<string, string>> ReadStanzas(string text)
    {
        foreach (var block in text.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var stanza = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in block.Split('\n'))
            {
                var colon = line.IndexOf(':');
                if (colon > 0 && line[0] is not (' ' or '\t'))
                {
                    stanza[line[..colon]] = line[(colon + 1)..].Trim();
                }
            }

            if (stanza.ContainsKey("Package") && stanza.ContainsKey("Version"))
            {
                yield return stanza;
            }
        }
    }
}
