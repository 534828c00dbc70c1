using System.Text;
using System.Text.RegularExpressions;

namespace Drydock.Packages.Maintainer.Debconf;

/// <summary>One item of debconf's question database: a question with its fields, owners, flags and variables.</summary>
internal sealed class DebconfItem(string name)
{
    public string Name { get; } = name;

    /// <summary>Fields such as <c>template</c> and <c>value</c>, by lower-case name.</summary>
    public SortedDictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Owners { get; } = new(StringComparer.Ordinal);

    /// <summary>Flags such as <c>seen</c>; only those set to true are stored.</summary>
    public SortedSet<string> Flags { get; } = new(StringComparer.Ordinal);

    /// <summary>Substitution variables, such as the choices of a multiselect question.</summary>
    public SortedDictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// debconf's question database, <c>/var/cache/debconf/config.dat</c>, read and written as
/// debconf 1.5.82 does (Debconf/Format/822.pm and Debconf/DbDriver/File.pm): records separated
/// by a blank line, written sorted by name with their fields in a fixed order, so a file debconf
/// wrote comes back byte for byte.
/// </summary>
internal sealed partial class DebconfDatabase
{
    public const string ConfigPath = "/var/cache/debconf/config.dat";

    /// <summary>The largest database read, far above the 16 KB of a bookworm minbase image's.</summary>
    public const int MaxSize = 64 * 1024 * 1024;

    private static readonly UTF8Encoding _strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly SortedDictionary<string, DebconfItem> _items = new(Utf8Ordinal.Instance);

    public IEnumerable<DebconfItem> Items => _items.Values;

    public DebconfItem? Find(string name) => _items.GetValueOrDefault(name);

    /// <summary>Parses a database file.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="path">The file's path, for error messages.</param>
    /// <exception cref="InvalidDataException">The file is not UTF-8, too large, or a record is malformed.</exception>
    public static DebconfDatabase Parse(byte[] content, string path = ConfigPath)
    {
        if (content.Length > MaxSize)
        {
            throw new InvalidDataException(
                $"The debconf database '{path}' is {content.Length} bytes, more than the {MaxSize} read; "
                + "check the file or remove it.");
        }

        string text;
        try
        {
            text = _strictUtf8.GetString(content);
        }
        catch (DecoderFallbackException error)
        {
            throw new InvalidDataException($"The debconf database '{path}' is not valid UTF-8; check the file.", error);
        }

        var database = new DebconfDatabase();
        var lines = text.Split('\n');
        var count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        var reader = new RecordReader(path, lines, count);
        while (reader.Read() is { } item)
        {
            database._items[item.Name] = item;
        }

        return database;
    }

    /// <summary>Writes the database as debconf writes it.</summary>
    public byte[] Write()
    {
        var text = new StringBuilder();
        foreach (var item in _items.Values)
        {
            text.Append("Name: ").Append(item.Name).Append('\n');
            foreach (var (field, value) in item.Fields)
            {
                text.Append(char.ToUpperInvariant(field[0])).Append(field[1..]).Append(": ").Append(Escape(value)).Append('\n');
            }

            if (item.Owners.Count > 0)
            {
                text.Append("Owners: ").AppendJoin(", ", item.Owners).Append('\n');
            }

            if (item.Flags.Count > 0)
            {
                text.Append("Flags: ").AppendJoin(", ", item.Flags).Append('\n');
            }

            if (item.Variables.Count > 0)
            {
                text.Append("Variables:\n");
                foreach (var (variable, value) in item.Variables)
                {
                    text.Append(' ').Append(variable).Append(" = ").Append(Escape(value)).Append('\n');
                }
            }

            text.Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    // debconf stores a newline inside a value as the two characters \n.
    private static string Escape(string value) => value.Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Unescape(string value) => value.Replace("\\n", "\n", StringComparison.Ordinal);

    [GeneratedRegex(@",\s+")]
    private static partial Regex ListSeparator();

    private sealed class RecordReader(string path, string[] lines, int count)
    {
        private int _next;

        // Blank lines end a record; several in a row make empty records, which debconf skips.
        public DebconfItem? Read()
        {
            while (_next < count && lines[_next].Length == 0)
            {
                _next++;
            }

            if (_next >= count)
            {
                return null;
            }

            var first = _next;
            var fields = new List<(int Line, string Key, string Value)>();
            var variables = new List<(int Line, string Text)>();
            var inVariables = false;
            for (; _next < count && lines[_next].Length > 0; _next++)
            {
                var line = lines[_next];
                if (inVariables && char.IsWhiteSpace(line[0]))
                {
                    variables.Add((_next + 1, line.TrimStart()));
                    continue;
                }

                inVariables = false;
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || char.IsWhiteSpace(line[0]))
                {
                    throw Malformed(_next + 1, line, "is not a 'Field: value' line");
                }

                var key = line[..colon].ToLowerInvariant();
                var value = colon + 1 < line.Length && char.IsWhiteSpace(line[colon + 1]) ? line[(colon + 2)..] : line[(colon + 1)..];
                inVariables = key == "variables";
                fields.Add((_next + 1, key, value));
            }

            return Build(first + 1, fields, variables);
        }

        private DebconfItem Build(
            int firstLine, List<(int Line, string Key, string Value)> fields, List<(int Line, string Text)> variables)
        {
            var name = fields.LastOrDefault(f => f.Key == "name").Value;
            if (string.IsNullOrEmpty(name))
            {
                throw Malformed(firstLine, lines[firstLine - 1], "starts a record without a Name field");
            }

            var item = new DebconfItem(name);
            foreach (var (_, key, value) in fields)
            {
                switch (key)
                {
                    case "name" or "variables":
                        break;
                    case "owners":
                        item.Owners.UnionWith(SplitList(value));
                        break;
                    case "flags":
                        item.Flags.UnionWith(SplitList(value));
                        break;
                    default:
                        item.Fields[key] = Unescape(value);
                        break;
                }
            }

            foreach (var (line, text) in variables)
            {
                var equals = text.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw Malformed(line, text, "is not a 'name = value' variable");
                }

                var value = text[(equals + 1)..];
                item.Variables[text[..equals].TrimEnd()] = Unescape(value.StartsWith(' ') ? value[1..] : value);
            }

            return item;
        }

        // Owners and flags are joined with ", " and split on a comma followed by blanks.
        private static IEnumerable<string> SplitList(string value) =>
            ListSeparator().Split(value).Where(part => part.Length > 0);

        private InvalidDataException Malformed(int line, string text, string problem) =>
            new($"Line {line} of the debconf database '{path}', '{text}', {problem}; "
                + "fix or remove the file.");
    }
}
