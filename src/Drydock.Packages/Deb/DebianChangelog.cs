using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Deb;

/// <summary>One entry of a Debian changelog, as <c>dpkg-parsechangelog</c> reports it.</summary>
internal sealed record DebianChangelogEntry(
    string Package,
    string VersionText,
    DebianVersion? Version,
    string Distributions,
    string Urgency,
    string Changes,
    string? Maintainer,
    string? Date,
    int LineNumber)
{
    /// <summary>The CVE ids that the changes name, in order of first appearance.</summary>
    public IReadOnlyList<string> CveIds { get; } = DebianChangelog.FindCveIds(Changes);
}

/// <summary>
/// A Debian changelog (deb-changelog(5) of dpkg 1.22): entries from newest to oldest, each a
/// header <c>package (version) distributions; urgency=...</c>, change lines and a
/// <c> -- maintainer  date</c> trailer. Parsing is tolerant: a line that fits nowhere is
/// skipped, and text after <c>Old Changelog:</c> or an Emacs <c>Local variables:</c> block ends it.
/// </summary>
internal sealed partial class DebianChangelog
{
    /// <summary>The limit on a decompressed changelog; the largest in Debian are a few megabytes.</summary>
    public const int MaxLength = 32 * 1024 * 1024;

    private DebianChangelog(IReadOnlyList<DebianChangelogEntry> entries) => Entries = entries;

    public IReadOnlyList<DebianChangelogEntry> Entries { get; }

    public static DebianChangelog Parse(string text)
    {
        var entries = new List<DebianChangelogEntry>();
        Header? header = null;
        var changes = new StringBuilder();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            var trimmed = line.TrimEnd('\r', ' ', '\t');
            if (HeaderLine().Match(trimmed) is { Success: true } match)
            {
                AddEntry(entries, header, changes, null, null);
                header = new Header(match, lineNumber);
                changes.Clear();
                continue;
            }

            if (TrailerLine().Match(trimmed) is { Success: true } trailer && header is not null)
            {
                AddEntry(entries, header, changes, trailer.Groups["maintainer"].Value, trailer.Groups["date"].Value);
                header = null;
                continue;
            }

            if (trimmed.StartsWith("Old Changelog:", StringComparison.Ordinal)
                || trimmed.StartsWith("Local variables:", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            if (header is not null)
            {
                changes.Append(trimmed).Append('\n');
            }
        }

        AddEntry(entries, header, changes, null, null);
        return new DebianChangelog(entries);
    }

    /// <summary>Parses a gzip-compressed changelog such as <c>changelog.Debian.gz</c>.</summary>
    /// <exception cref="InvalidDataException">The data is not gzip or is larger than <see cref="MaxLength"/>.</exception>
    public static DebianChangelog ParseGzip(Stream compressed, string name)
    {
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = gzip.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxLength)
            {
                throw new InvalidDataException($"The changelog '{name}' is larger than {MaxLength} bytes uncompressed.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Parse(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>
    /// Returns the entries newer than <paramref name="installed"/> (exclusive; null for all) up to
    /// <paramref name="candidate"/> (inclusive): what an upgrade between the two brings. Entries
    /// whose version dpkg would reject are left out.
    /// </summary>
    public IReadOnlyList<DebianChangelogEntry> Between(DebianVersion? installed, DebianVersion candidate) =>
        Entries.Where(e => e.Version is { } v && (installed is null || v > installed.Value) && v <= candidate)
            .ToArray();

    /// <summary>Returns the entries of <paramref name="newer"/> followed by those of <paramref name="older"/>.</summary>
    public static DebianChangelog Combine(DebianChangelog newer, DebianChangelog older) =>
        new([.. newer.Entries, .. older.Entries]);

    /// <summary>Returns the distinct CVE ids named by entries, in order of first appearance.</summary>
    public static IReadOnlyList<string> CveIdsOf(IEnumerable<DebianChangelogEntry> entries) =>
        entries.SelectMany(e => e.CveIds).Distinct(StringComparer.Ordinal).ToArray();

    internal static IReadOnlyList<string> FindCveIds(string text) =>
        CveId().Matches(text).Select(m => m.Value.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToArray();

    private static void AddEntry(
        List<DebianChangelogEntry> entries, Header? header, StringBuilder changes, string? maintainer, string? date)
    {
        if (header is null)
        {
            return;
        }

        var version = DebianVersion.TryParse(header.Version, out var parsed) ? parsed : (DebianVersion?)null;
        entries.Add(new DebianChangelogEntry(
            header.Package, header.Version, version, header.Distributions, header.Urgency,
            changes.ToString().Trim('\n'), maintainer, date, header.LineNumber));
    }

    private sealed class Header(Match match, int lineNumber)
    {
        public string Package { get; } = match.Groups["package"].Value;

        public string Version { get; } = match.Groups["version"].Value;

        public string Distributions { get; } = match.Groups["distributions"].Value.Trim();

        public string Urgency { get; } = UrgencyField().Match(match.Groups["options"].Value) is { Success: true } u
            ? u.Groups[1].Value.ToLowerInvariant()
            : "unknown";

        public int LineNumber { get; } = lineNumber;
    }

    // The header and trailer shapes of deb-changelog(5); package names are lower case there,
    // but dpkg-parsechangelog matches case-insensitively.
    [GeneratedRegex(
        @"^(?<package>\w[-+0-9a-z.]*) \((?<version>[^() \t]+)\)(?<distributions>(?:\s+[-+0-9a-z.]+)+)\s*;(?<options>.*)$",
        RegexOptions.IgnoreCase)]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^ -- (?<maintainer>.*?>)\s+(?<date>\S.*)$")]
    private static partial Regex TrailerLine();

    [GeneratedRegex(@"urgency\s*=\s*([^\s,]+)", RegexOptions.IgnoreCase)]
    private static partial Regex UrgencyField();

    [GeneratedRegex(@"\bCVE-\d{4}-\d{4,}\b", RegexOptions.IgnoreCase)]
    private static partial Regex CveId();
}
