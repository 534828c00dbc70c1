using System.Globalization;
using System.Text;
using Drydock.Packages.Deb822;

namespace Drydock.Packages.Apt.Indexes;

/// <summary>One file listed in a Release file's SHA256 field.</summary>
public sealed record ReleaseEntry(string Path, long Size, string Sha256);

/// <summary>
/// A suite's Release file (the Debian repository format, wiki.debian.org/DebianRepository/Format
/// as of 2024): identity fields, validity dates and the SHA256 list of its index files.
/// </summary>
public sealed class ReleaseFile
{
    private static readonly string[] _dateFormats = ["ddd, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz"];

    public string? Origin { get; private init; }

    public string? Label { get; private init; }

    public string? Suite { get; private init; }

    public string? Codename { get; private init; }

    public string? Version { get; private init; }

    public DateTimeOffset? Date { get; private init; }

    public DateTimeOffset? ValidUntil { get; private init; }

    public bool NotAutomatic { get; private init; }

    public bool ButAutomaticUpgrades { get; private init; }

    /// <summary>Acquire-By-Hash: yes, so indexes are fetched from by-hash/SHA256/ paths.</summary>
    public bool AcquireByHash { get; private init; }

    public IReadOnlyList<string> Architectures { get; private init; } = [];

    public IReadOnlyList<string> Components { get; private init; } = [];

    /// <summary>The SHA256 entries by path relative to the suite directory.</summary>
    public IReadOnlyDictionary<string, ReleaseEntry> Files { get; private init; } =
        new Dictionary<string, ReleaseEntry>();

    /// <summary>Parses the (already verified) text of a Release file.</summary>
    public static ReleaseFile Parse(byte[] content, string location)
    {
        var paragraphs = Deb822Reader.Parse(Encoding.UTF8.GetString(content));
        if (paragraphs.Count != 1)
        {
            throw new InvalidDataException(
                $"The Release file '{location}' has {paragraphs.Count} paragraphs; expected exactly one.");
        }

        var fields = paragraphs[0];
        return new ReleaseFile
        {
            Origin = fields["Origin"],
            Label = fields["Label"],
            Suite = fields["Suite"],
            Codename = fields["Codename"],
            Version = fields["Version"],
            Date = ParseDate(fields["Date"], "Date", location),
            ValidUntil = ParseDate(fields["Valid-Until"], "Valid-Until", location),
            NotAutomatic = IsYes(fields["NotAutomatic"]),
            ButAutomaticUpgrades = IsYes(fields["ButAutomaticUpgrades"]),
            AcquireByHash = IsYes(fields["Acquire-By-Hash"]),
            Architectures = Split(fields["Architectures"]),
            Components = Split(fields["Components"]),
            Files = ParseHashes(fields["SHA256"], location),
        };
    }

    /// <summary>Parses an RFC 2822 date as apt writes and reads it (<c>Sat, 10 Jun 2023 08:52:27 UTC</c>).</summary>
    public static DateTimeOffset? ParseDate(string? text, string field, string location)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normal = text.Trim();
        foreach (var zone in new[] { " UTC", " GMT", " Z" })
        {
            if (normal.EndsWith(zone, StringComparison.Ordinal))
            {
                normal = normal[..^zone.Length] + " +00:00";
            }
        }

        // "+0000" becomes "+00:00", the form the zzz specifier reads.
        if (normal.Length > 5 && normal[^5] is '+' or '-' && normal[^3] != ':')
        {
            normal = normal[..^2] + ":" + normal[^2..];
        }

        if (DateTimeOffset.TryParseExact(normal, _dateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        throw new InvalidDataException($"The Release file '{location}' has an invalid {field} '{text}'.");
    }

    private static bool IsYes(string? value) => string.Equals(value?.Trim(), "yes", StringComparison.OrdinalIgnoreCase);

    private static string[] Split(string? value) =>
        value?.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static Dictionary<string, ReleaseEntry> ParseHashes(string? value, string location)
    {
        var files = new Dictionary<string, ReleaseEntry>(StringComparer.Ordinal);
        foreach (var line in (value ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || parts[0].Length != 64 || !long.TryParse(parts[1], out var size))
            {
                throw new InvalidDataException($"The Release file '{location}' has an invalid SHA256 line '{line}'.");
            }

            files[parts[2]] = new ReleaseEntry(parts[2], size, parts[0].ToLowerInvariant());
        }

        return files;
    }
}
