using System.Globalization;
using System.Text;
using Drydock.Advisories;

namespace Drydock.Reports.Scan;

/// <summary>
/// The human table: one block per package, a <c>*</c> on each finding that has a fix in the
/// release, and a severity summary at the end.
/// </summary>
internal static class ScanTableWriter
{
    public static string Write(ScanDocument document)
    {
        var result = document.Result;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{document.Image} ({result.Distro?.PrettyName ?? "unknown distribution"}, {result.PackageCount} packages)\n");
        foreach (var warning in result.Warnings)
        {
            text.Append(CultureInfo.InvariantCulture, $"warning: {warning}\n");
        }

        foreach (var group in result.Findings.GroupBy(f => (f.Finding.Package.Name, f.Finding.Package.Version)))
        {
            var first = group.First();
            text.Append(CultureInfo.InvariantCulture, $"\n{group.Key.Name} {group.Key.Version}");
            if (first.Finding.MatchedName != group.Key.Name || first.Finding.MatchedVersion != group.Key.Version)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $" (source {first.Finding.MatchedName} {first.Finding.MatchedVersion})");
            }

            var origin = result.FromBase(first) switch
            {
                true => " (base)",
                false => " (application)",
                null => "",
            };
            text.Append(CultureInfo.InvariantCulture, $" layer {first.LayerIndex}{origin}\n");
            foreach (var finding in group.Select(f => f.Finding))
            {
                var mark = finding.Verdict == Verdict.Fixable ? '*' : ' ';
                var fix = finding.FixedVersion is { } version ? $"fixed in {version}" : ScanWriter.Name(finding.Verdict);
                var advisories = finding.Advisories.Count == 0 ? "" : $" [{string.Join(", ", finding.Advisories)}]";
                text.Append(CultureInfo.InvariantCulture,
                    $"  {mark} {finding.Vulnerability,-18} {ScanWriter.Name(finding.Severity),-10} {fix}{advisories}\n");
            }
        }

        var fixable = result.Findings.Count(f => f.Finding.Verdict == Verdict.Fixable);
        text.Append(CultureInfo.InvariantCulture,
            $"\n{result.Findings.Count} findings ({fixable} fixable, marked *): ");
        text.Append(string.Join(", ", ScanWriter.Summary(result)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Count} {ScanWriter.Name(s.Severity)}"))));
        text.Append('\n');
        if (result.Base is { } baseImage)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{result.Findings.Count(f => result.FromBase(f) == true)} from the base image (bottom "
                + $"{baseImage.LayerCount} layers, from {baseImage.Origin}), "
                + $"{result.Findings.Count(f => result.FromBase(f) == false)} added by the application layers\n");
        }

        if (result.Suppressed.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{result.Suppressed.Count} findings suppressed by VEX:\n");
            foreach (var suppressed in result.Suppressed)
            {
                var finding = suppressed.Finding.Finding;
                text.Append(CultureInfo.InvariantCulture, $"  {finding.Vulnerability,-18} {finding.Package.Name} "
                    + $"{finding.Package.Version}: {ScanWriter.VexExplanation(suppressed.Statement)}\n");
            }
        }

        return text.ToString();
    }
}
