using Drydock.Reports.Sbom;

namespace Drydock.Cli.Commands;

/// <summary>Names the distribution of an image from its os-release file, for the SBOM.</summary>
// NOTE: reads ID, VERSION_ID, VERSION_CODENAME and PRETTY_NAME of os-release only; the
// Packages part's distribution detection, with its legacy release files and testing/edge
// rules, replaces it once the two are joined.
internal static class ReleaseFiles
{
    public static SbomDistro? Detect(IReadOnlyDictionary<string, string> files)
    {
        var text = files.GetValueOrDefault("/etc/os-release") ?? files.GetValueOrDefault("/usr/lib/os-release");
        if (text is null)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !line.StartsWith('#'))
            {
                fields[line[..equals].Trim()] = line[(equals + 1)..].Trim().Trim('"', '\'');
            }
        }

        return fields.TryGetValue("ID", out var id)
            ? new SbomDistro(id, fields.GetValueOrDefault("VERSION_ID"), fields.GetValueOrDefault("VERSION_CODENAME"),
                fields.GetValueOrDefault("PRETTY_NAME"))
            : null;
    }
}
