using System.Text;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Apt.Sources;

/// <summary>
/// Reads the source configuration of a root as apt 2.6 does: <c>/etc/apt/sources.list</c>,
/// then <c>sources.list.d/*.list</c> and <c>*.sources</c> in name order. Other file names
/// in sources.list.d are ignored, as apt ignores them.
/// </summary>
public static class ImageSources
{
    private const string SourcesList = "/etc/apt/sources.list";
    private const string SourcesDirectory = "/etc/apt/sources.list.d";

    public static IReadOnlyList<AptSource> Read(IRootFileSystem root)
    {
        var sources = new List<AptSource>();
        sources.AddRange(ReadFile(root, SourcesList, deb822: false));
        foreach (var name in root.List(SourcesDirectory).Select(Path.GetFileName).OfType<string>())
        {
            if (name.EndsWith(".list", StringComparison.Ordinal) || name.EndsWith(".sources", StringComparison.Ordinal))
            {
                sources.AddRange(ReadFile(root, $"{SourcesDirectory}/{name}", name.EndsWith(".sources", StringComparison.Ordinal)));
            }
        }

        return sources;
    }

    private static IReadOnlyList<AptSource> ReadFile(IRootFileSystem root, string path, bool deb822)
    {
        using var stream = root.OpenRead(path);
        if (stream is null)
        {
            return [];
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return deb822 ? Deb822SourcesParser.Parse(reader, path) : SourcesListParser.ParseFile(reader, path);
    }
}
