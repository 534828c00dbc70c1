namespace Drydock.Packages.Deb;

/// <summary>Finds and parses the Debian changelog inside a .deb's data part.</summary>
internal static class DebChangelogReader
{
    /// <summary>
    /// Reads <c>usr/share/doc/PACKAGE/changelog.Debian.gz</c> (or <c>changelog.gz</c> for a
    /// native package) from the data part, with a binNMU's <c>changelog.Debian.ARCH.gz</c>
    /// entries first. Returns null when the package ships no changelog of its own, as when its
    /// doc directory is a symbolic link to another package's.
    /// </summary>
    public static DebianChangelog? Read(DebArchiveReader reader)
    {
        var package = reader.Package;
        var directory = $"usr/share/doc/{package.Name}/";
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [$"{directory}changelog.Debian.{package.Architecture}.gz"] = 0,
            [$"{directory}changelog.Debian.gz"] = 1,
            [$"{directory}changelog.gz"] = 2,
        };
        var found = new SortedDictionary<int, DebianChangelog>();
        foreach (var entry in reader.ReadDataEntries())
        {
            if (entry.IsRegularFile && wanted.TryGetValue(entry.Path, out var rank) && entry.Content is not null)
            {
                found[rank] = DebianChangelog.ParseGzip(entry.Content, $"{reader.FileName}:{entry.Path}");
            }
        }

        // A native package has changelog.gz and no changelog.Debian.gz; never both are merged.
        var main = found.GetValueOrDefault(1) ?? found.GetValueOrDefault(2);
        if (main is null)
        {
            return found.GetValueOrDefault(0);
        }

        return found.TryGetValue(0, out var binNmu) ? DebianChangelog.Combine(binNmu, main) : main;
    }
}
