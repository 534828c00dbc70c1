using System.Text;

namespace Drydock.Packages.Distros;

/// <summary>
/// The variables of an os-release file, parsed as os-release(5) of systemd 252 describes:
/// <c>KEY=value</c> lines, values optionally in single or double quotes, backslash escapes for
/// <c>\ " $ `</c>, <c>#</c> comments and blank lines. Lines that break the format are skipped and
/// listed in <see cref="Errors"/>, as systemd's own reader skips them.
/// </summary>
internal sealed class OsRelease
{
    /// <summary>The size above which a file is not an os-release file but hostile or corrupt input.</summary>
    public const int MaxLength = 64 * 1024;

    private readonly Dictionary<string, string> _values;

    private OsRelease(Dictionary<string, string> values, List<string> errors)
    {
        _values = values;
        Errors = errors;
    }

    /// <summary>Problems found, each naming the line number and the line.</summary>
    public IReadOnlyList<string> Errors { get; }

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The value of a variable, or null when it is absent or empty.</summary>
    public string? this[string key] => _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>Parses the text of an os-release file.</summary>
    /// <exception cref="InvalidDataException">The text is too long or is not text.</exception>
    public static OsRelease Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new InvalidDataException(
                $"The os-release file '{path}' is {text.Length} characters long, more than the {MaxLength} allowed.");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The os-release file '{path}' contains NUL characters, so it is not text.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var error = ParseLine(line, values);
            if (error is not null)
            {
                errors.Add($"{path}:{lineNumber}: {error} in '{line}'");
            }
        }

        return new OsRelease(values, errors);
    }

    private static string? ParseLine(string line, Dictionary<string, string> values)
    {
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return "missing '='";
        }

        var key = line[..equals];
        if (!IsValidKey(key))
        {
            return $"invalid variable name '{key}'";
        }

        var error = ParseValue(line.AsSpan(equals + 1), out var value);
        if (error is null)
        {
            values[key] = value;
        }

        return error;
    }

    private static string? ParseValue(ReadOnlySpan<char> text, out string value)
    {
        var builder = new StringBuilder(text.Length);
        value = "";
        var quote = '\0';
        var closed = true;
        var i = 0;
        if (text.Length > 0 && text[0] is '"' or '\'')
        {
            quote = text[0];
            closed = false;
            i = 1;
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0' && c == quote)
            {
                closed = true;
                i++;
                break;
            }

            // Single quotes take everything literally, as in the shell.
            if (c == '\\' && quote != '\'' && i + 1 < text.Length)
            {
                var next = text[i + 1];
                if (quote == '\0' || next is '\\' or '"' or '$' or '`')
                {
                    builder.Append(next);
                    i++;
                    continue;
                }
            }

            if (quote == '\0' && char.IsWhiteSpace(c))
            {
                break;
            }

            builder.Append(c);
        }

        if (!closed)
        {
            return "missing closing quote";
        }

        if (!text[i..].Trim().IsEmpty)
        {
            return "text after the value (concatenated strings are not supported)";
        }

        value = builder.ToString();
        return null;
    }

    private static bool IsValidKey(string key)
    {
        if (!char.IsAsciiLetter(key[0]) && key[0] != '_')
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
