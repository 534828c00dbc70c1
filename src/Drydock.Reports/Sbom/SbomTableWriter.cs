using System.Globalization;

namespace Drydock.Reports.Sbom;

/// <summary>
/// Writes the packages as aligned columns for a person at a terminal: name, version,
/// architecture, source when it differs, and the layer that introduced the package.
/// </summary>
internal static class SbomTableWriter
{
    private static readonly string[] _headers = ["NAME", "VERSION", "ARCH", "SOURCE", "LAYER"];

    public static void Write(SbomDocument document, TextWriter output)
    {
        var distro = document.Distro?.Name ?? document.Distro?.Qualifier ?? "unknown distribution";
        var packages = document.Inventory.Packages;
        output.WriteLine($"{document.Image.Name} ({distro}): {packages.Count} packages in "
            + $"{document.Inventory.Layers.Count} layers");

        var rows = new List<string[]> { _headers };
        foreach (var item in packages.OrderBy(p => p.Package.Name, StringComparer.Ordinal))
        {
            var package = item.Package;
            var source = package.SourceName == package.Name && package.SourceVersion == package.Version
                ? string.Empty
                : $"{package.SourceName} {package.SourceVersion}";
            rows.Add([package.Name, package.Version, package.Architecture ?? "-", source, Layer(item)]);
        }

        WriteColumns(rows, output);
        foreach (var diagnostic in document.Inventory.Diagnostics)
        {
            output.WriteLine($"warning: {diagnostic}");
        }
    }

    private static string Layer(Images.Inventory.ImagePackage item)
    {
        var index = item.LayerIndex.ToString(CultureInfo.InvariantCulture);
        return item.LayerDiffId is { } diffId ? $"{index} {diffId.Hex[..12]}" : index;
    }

    private static void WriteColumns(List<string[]> rows, TextWriter output)
    {
        var widths = new int[_headers.Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in rows)
        {
            var cells = row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]));
            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }
}
