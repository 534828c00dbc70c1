using System.Text;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Apt.Indexes;

/// <summary>
/// Parses a Packages index (deb822 stanzas, one per binary package) straight from its bytes.
/// Only the fields that resolution and download use become strings, which keeps a full
/// Debian main index (about 64,000 stanzas) well under a second. A stanza without Package,
/// Version or Architecture, or with an invalid version, is skipped and reported in
/// <see cref="ParsedIndex.Problems"/>; the rest of the index is still read.
/// </summary>
public static class PackagesIndexParser
{
    public static ParsedIndex Parse(ReadOnlySpan<byte> data, string location, ReleaseInfo? release = null)
    {
        var records = new List<PackageRecord>(data.Length / 900);
        var problems = new List<string>();
        var fields = new StanzaFields();
        var lineNumber = 0;
        var stanzaLine = 1;
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)'\n');
            var line = end < 0 ? data : data[..end];
            data = end < 0 ? [] : data[(end + 1)..];
            lineNumber++;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                Finish(fields, records, problems, location, stanzaLine, release);
                stanzaLine = lineNumber + 1;
                continue;
            }

            if (line[0] is (byte)' ' or (byte)'\t' || line[0] == '#')
            {
                continue;
            }

            fields.Add(line);
        }

        Finish(fields, records, problems, location, stanzaLine, release);
        return new ParsedIndex(records, problems);
    }

    private static void Finish(
        StanzaFields fields, List<PackageRecord> records, List<string> problems, string location, int line, ReleaseInfo? release)
    {
        if (fields.IsEmpty)
        {
            return;
        }

        try
        {
            records.Add(fields.ToRecord(release));
        }
        catch (FormatException error)
        {
            problems.Add($"{location}:{line}: {error.Message}");
        }

        fields.Clear();
    }

    /// <summary>The raw values of the fields kept from one stanza.</summary>
    private sealed class StanzaFields
    {
        private readonly string?[] _values = new string?[Names.Length];
        private bool _any;

        private static readonly byte[][] Names =
        [
            "Package"u8.ToArray(), "Version"u8.ToArray(), "Architecture"u8.ToArray(), "Multi-Arch"u8.ToArray(),
            "Source"u8.ToArray(), "Essential"u8.ToArray(), "Priority"u8.ToArray(), "Filename"u8.ToArray(),
            "Size"u8.ToArray(), "SHA256"u8.ToArray(), "Depends"u8.ToArray(), "Pre-Depends"u8.ToArray(),
            "Provides"u8.ToArray(), "Breaks"u8.ToArray(), "Conflicts"u8.ToArray(), "Status"u8.ToArray(),
        ];

        public bool IsEmpty => !_any;

        public void Add(ReadOnlySpan<byte> line)
        {
            _any = true;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return;
            }

            var name = line[..colon];
            for (var i = 0; i < Names.Length; i++)
            {
                if (name.SequenceEqual(Names[i]))
                {
                    _values[i] = Encoding.UTF8.GetString(line[(colon + 1)..].Trim((byte)' '));
                    return;
                }
            }
        }

        public void Clear()
        {
            Array.Clear(_values);
            _any = false;
        }

        public PackageRecord ToRecord(ReleaseInfo? release)
        {
            var name = _values[0] ?? throw new FormatException("The stanza has no Package field.");
            var versionText = _values[1] ?? throw new FormatException($"The stanza of '{name}' has no Version field.");
            var architecture = _values[2] ?? throw new FormatException($"The stanza of '{name}' has no Architecture field.");
            var version = ParseVersion(versionText, name);
            var (source, sourceVersion) = ParseSource(_values[4], name, version);
            return new PackageRecord
            {
                Name = name,
                Version = version,
                Architecture = Intern(architecture),
                MultiArch = ParseMultiArch(_values[3]),
                Source = source,
                SourceVersion = sourceVersion,
                Essential = _values[5] == "yes",
                Priority = _values[6] is { } p ? Intern(p) : null,
                Filename = _values[7],
                Size = long.TryParse(_values[8], out var size) ? size : 0,
                Sha256 = _values[9],
                DependsText = _values[10],
                PreDependsText = _values[11],
                ProvidesText = _values[12],
                BreaksText = _values[13],
                ConflictsText = _values[14],
                Status = _values[15],
                Release = release,
            };
        }

        private static DebianVersion ParseVersion(string text, string name) =>
            DebianVersion.TryParse(text, out var version)
                ? version
                : throw new FormatException($"The stanza of '{name}' has an invalid version '{text}'.");

        // "Source: openssl" or "Source: openssl (3.0.15-1~deb12u1)" when the versions differ.
        private static (string Name, DebianVersion Version) ParseSource(string? text, string name, DebianVersion version)
        {
            if (text is null)
            {
                return (name, version);
            }

            var open = text.IndexOf('(', StringComparison.Ordinal);
            if (open < 0)
            {
                return (text, version);
            }

            var inner = text[(open + 1)..].TrimEnd(')', ' ');
            return (text[..open].TrimEnd(), ParseVersion(inner, name));
        }

        private static MultiArch ParseMultiArch(string? text) => text switch
        {
            "same" => MultiArch.Same,
            "foreign" => MultiArch.Foreign,
            "allowed" => MultiArch.Allowed,
            _ => MultiArch.No,
        };

        private static string Intern(string value) => value switch
        {
            "amd64" => "amd64",
            "all" => "all",
            "arm64" => "arm64",
            "i386" => "i386",
            "optional" => "optional",
            "required" => "required",
            "important" => "important",
            "standard" => "standard",
            "extra" => "extra",
            _ => value,
        };
    }
}

/// <summary>The records of one index and the stanzas that could not be read.</summary>
public sealed record ParsedIndex(IReadOnlyList<PackageRecord> Records, IReadOnlyList<string> Problems);
