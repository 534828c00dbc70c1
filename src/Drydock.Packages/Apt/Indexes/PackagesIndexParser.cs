using System.Buffers.Text;
using System.Text;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Apt.Indexes;

/// <summary>
/// Parses a Packages index (deb822 stanzas, one per binary package) straight from its bytes.
/// Only the name, version, architecture and source become strings while parsing. The other
/// kept fields stay slices of the buffer until first read, so the records keep the buffer alive.
/// A stanza without Package, Version or Architecture, or with an invalid version, is skipped
/// and reported in <see cref="ParsedIndex.Problems"/>; the rest of the index is still read.
/// </summary>
public static class PackagesIndexParser
{
    public static ParsedIndex Parse(ReadOnlyMemory<byte> data, string location, ReleaseInfo? release = null)
    {
        var records = new List<PackageRecord>(data.Length / 900);
        var problems = new List<string>();
        var fields = new StanzaFields();
        var span = data.Span;
        var offset = 0;
        var lineNumber = 0;
        var stanzaLine = 1;
        while (offset < span.Length)
        {
            var end = span[offset..].IndexOf((byte)'\n');
            var length = end < 0 ? span.Length - offset : end;
            var line = data.Slice(offset, length);
            offset += length + 1;
            lineNumber++;
            if (line.Length > 0 && line.Span[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                Finish(fields, records, problems, location, stanzaLine, release);
                stanzaLine = lineNumber + 1;
                continue;
            }

            var first = line.Span[0];
            if (first is not ((byte)' ' or (byte)'\t' or (byte)'#'))
            {
                fields.Add(line);
            }
        }

        Finish(fields, records, problems, location, stanzaLine, release);
        return new ParsedIndex(records, problems);
    }

    private static void Finish(
        StanzaFields fields,
        List<PackageRecord> records,
        List<string> problems,
        string location,
        int line,
        ReleaseInfo? release)
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
        private const int FieldCount = 17;

        private readonly ReadOnlyMemory<byte>[] _values = new ReadOnlyMemory<byte>[FieldCount];
        private readonly bool[] _present = new bool[FieldCount];
        private bool _any;

        public bool IsEmpty => !_any;

        public void Add(ReadOnlyMemory<byte> line)
        {
            _any = true;
            var span = line.Span;
            var colon = span.IndexOf((byte)':');
            if (colon <= 0)
            {
                return;
            }

            var index = FieldIndex(span[..colon]);
            if (index < 0)
            {
                return;
            }

            var value = line[(colon + 1)..];
            while (!value.IsEmpty && value.Span[0] is (byte)' ' or (byte)'\t')
            {
                value = value[1..];
            }

            while (!value.IsEmpty && value.Span[^1] is (byte)' ' or (byte)'\t')
            {
                value = value[..^1];
            }

            _values[index] = value;
            _present[index] = true;
        }

        public void Clear()
        {
            Array.Clear(_values);
            Array.Clear(_present);
            _any = false;
        }

        public PackageRecord ToRecord(ReleaseInfo? release)
        {
            var name = Text(0) ?? throw new FormatException("The stanza has no Package field.");
            var versionText = Text(1) ?? throw new FormatException($"The stanza of '{name}' has no Version field.");
            var architecture = Text(2) ?? throw new FormatException($"The stanza of '{name}' has no Architecture field.");
            var version = ParseVersion(versionText, name);
            var (source, sourceVersion) = ParseSource(Text(4), name, version);
            return new PackageRecord
            {
                Name = name,
                Version = version,
                Architecture = architecture,
                MultiArch = ParseMultiArch(_values[3].Span),
                Source = source,
                SourceVersion = sourceVersion,
                Essential = _values[5].Span.SequenceEqual("yes"u8),
                Priority = ParsePriority(_values[6].Span),
                FilenameUtf8 = _values[7],
                Size = Utf8Parser.TryParse(_values[8].Span, out long size, out _) ? size : 0,
                Sha256Utf8 = _values[9],
                DependsTextUtf8 = _values[10],
                PreDependsTextUtf8 = _values[11],
                ProvidesTextUtf8 = _values[12],
                BreaksTextUtf8 = _values[13],
                ConflictsTextUtf8 = _values[14],
                Status = Text(15),
                RecommendsTextUtf8 = _values[16],
                Release = release,
            };
        }

        private string? Text(int index)
        {
            if (!_present[index])
            {
                return null;
            }

            var span = _values[index].Span;
            return index == 2 ? InternArchitecture(span) : Encoding.UTF8.GetString(span);
        }

        // Most lines of an index are fields the resolver does not use (Description, Tag, MD5sum),
        // so the name is matched by length first and compared at most four times.
        private static int FieldIndex(ReadOnlySpan<byte> name) => name.Length switch
        {
            4 => name.SequenceEqual("Size"u8) ? 8 : -1,
            6 => name.SequenceEqual("Source"u8) ? 4
                : name.SequenceEqual("SHA256"u8) ? 9
                : name.SequenceEqual("Breaks"u8) ? 13
                : name.SequenceEqual("Status"u8) ? 15 : -1,
            7 => name.SequenceEqual("Package"u8) ? 0
                : name.SequenceEqual("Version"u8) ? 1
                : name.SequenceEqual("Depends"u8) ? 10 : -1,
            8 => name.SequenceEqual("Priority"u8) ? 6
                : name.SequenceEqual("Filename"u8) ? 7
                : name.SequenceEqual("Provides"u8) ? 12 : -1,
            9 => name.SequenceEqual("Essential"u8) ? 5
                : name.SequenceEqual("Conflicts"u8) ? 14 : -1,
            10 => name.SequenceEqual("Multi-Arch"u8) ? 3
                : name.SequenceEqual("Recommends"u8) ? 16 : -1,
            11 => name.SequenceEqual("Pre-Depends"u8) ? 11 : -1,
            12 => name.SequenceEqual("Architecture"u8) ? 2 : -1,
            _ => -1,
        };

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

        private static MultiArch ParseMultiArch(ReadOnlySpan<byte> text) =>
            text.SequenceEqual("same"u8) ? MultiArch.Same
            : text.SequenceEqual("foreign"u8) ? MultiArch.Foreign
            : text.SequenceEqual("allowed"u8) ? MultiArch.Allowed
            : MultiArch.No;

        private static string? ParsePriority(ReadOnlySpan<byte> text) =>
            text.IsEmpty ? null
            : text.SequenceEqual("optional"u8) ? "optional"
            : text.SequenceEqual("required"u8) ? "required"
            : text.SequenceEqual("important"u8) ? "important"
            : text.SequenceEqual("standard"u8) ? "standard"
            : text.SequenceEqual("extra"u8) ? "extra"
            : Encoding.UTF8.GetString(text);

        private static string InternArchitecture(ReadOnlySpan<byte> text) =>
            text.SequenceEqual("amd64"u8) ? "amd64"
            : text.SequenceEqual("all"u8) ? "all"
            : text.SequenceEqual("arm64"u8) ? "arm64"
            : text.SequenceEqual("i386"u8) ? "i386"
            : Encoding.UTF8.GetString(text);
    }
}

/// <summary>The records of one index and the stanzas that could not be read.</summary>
public sealed record ParsedIndex(IReadOnlyList<PackageRecord> Records, IReadOnlyList<string> Problems);
