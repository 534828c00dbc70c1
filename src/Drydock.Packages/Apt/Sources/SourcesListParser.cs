namespace Drydock.Packages.Apt.Sources;

/// <summary>
/// Parses the one-line <c>sources.list</c> format of sources.list(5), apt 2.6:
/// <c>deb [ option=value ... ] uri suite [component ...]</c>.
/// </summary>
public static class SourcesListParser
{
    /// <summary>Parses one entry such as the value of <c>--repo</c>.</summary>
    public static AptSource ParseLine(string line, string location = "--repo") =>
        TryParseLine(line, location)
        ?? throw new InvalidDataException($"{location}: the entry '{line}' is empty or commented out.");

    /// <summary>Parses every active entry of a <c>.list</c> file; malformed lines raise with their line number.</summary>
    public static IReadOnlyList<AptSource> ParseFile(TextReader reader, string fileName)
    {
        var sources = new List<AptSource>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (TryParseLine(line, $"{fileName}:{lineNumber}") is { } source)
            {
                sources.Add(source);
            }
        }

        return sources;
    }

    private static AptSource? TryParseLine(string line, string location)
    {
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        var text = (hash >= 0 ? line[..hash] : line).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        var (type, rest) = SplitWord(text);
        var isBinary = type switch
        {
            "deb" => true,
            "deb-src" => false,
            _ => throw new InvalidDataException(
                $"{location}: unknown entry type '{type}'. Expected 'deb' or 'deb-src'."),
        };
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new InvalidDataException($"{location}: the option list in '{line}' has no closing ']'.");
            }

            ParseOptions(rest[1..close], options, location);
            rest = rest[(close + 1)..].TrimStart();
        }

        var words = rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            throw new InvalidDataException(
                $"{location}: the entry '{line}' needs a URI and a suite, for example " +
                "'deb http://deb.debian.org/debian bookworm main'.");
        }

        return SourceBuilder.Build(isBinary, words[0], words[1], words[2..], options, location);
    }

    private static void ParseOptions(string text, Dictionary<string, string> options, string location)
    {
        foreach (var item in text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidDataException($"{location}: invalid option '{item}'. Expected 'name=value'.");
            }

            options[item[..equals]] = item[(equals + 1)..];
        }
    }

    private static (string Word, string Remainder) SplitWord(string text)
    {
        var space = text.IndexOfAny([' ', '\t']);
        return space < 0 ? (text, "") : (text[..space], text[(space + 1)..].TrimStart());
    }
}
