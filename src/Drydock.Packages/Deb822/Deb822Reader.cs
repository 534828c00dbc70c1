using System.Text;

namespace Drydock.Packages.Deb822;

/// <summary>
/// Reads deb822 paragraphs (dpkg control files, the dpkg status database, APT indexes and
/// <c>.sources</c> files) as deb822(5) of dpkg 1.22 describes them: <c>Name: value</c> fields,
/// continuation lines starting with a space or tab, and paragraphs separated by lines that are
/// empty or hold only spaces and tabs. Lines starting with <c>#</c> are comments and skipped.
/// </summary>
/// <remarks>
/// The reader is tolerant per paragraph: a malformed line is recorded in
/// <see cref="Deb822Paragraph.Errors"/> with its line number and reading goes on, so one bad
/// stanza never hides the others. OpenPGP armour around a clear-signed file is not removed here.
/// </remarks>
internal sealed class Deb822Reader
{
    private readonly TextReader _reader;
    private readonly StringBuilder _value = new();
    private List<Deb822Field>? _fields;
    private List<Deb822Error>? _errors;
    private string? _name;
    private string? _firstLineValue;
    private int _nameLine;
    private int _paragraphLine;
    private bool _multiline;

    public Deb822Reader(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
    }

    /// <summary>The number of lines read so far, which is the line number of the last one.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Reads every paragraph of a text.</summary>
    public static IEnumerable<Deb822Paragraph> ReadAll(TextReader reader)
    {
        var deb822 = new Deb822Reader(reader);
        while (deb822.Read() is { } paragraph)
        {
            yield return paragraph;
        }
    }

    /// <summary>Reads every paragraph of a UTF-8 string.</summary>
    public static IReadOnlyList<Deb822Paragraph> Parse(string text) => [.. ReadAll(new StringReader(text))];

    /// <summary>Reads the next paragraph, or returns null at the end of the text.</summary>
    public Deb822Paragraph? Read()
    {
        _fields = null;
        _errors = null;
        _name = null;
        _paragraphLine = 0;
        while (_reader.ReadLine() is { } line)
        {
            LineNumber++;
            if (IsBlank(line))
            {
                if (_paragraphLine != 0)
                {
                    break;
                }

                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            if (_paragraphLine == 0)
            {
                _paragraphLine = LineNumber;
            }

            if (line[0] is ' ' or '\t')
            {
                AddContinuation(line);
            }
            else
            {
                FinishField();
                StartField(line);
            }
        }

        FinishField();
        return _paragraphLine == 0
            ? null
            : new Deb822Paragraph(_paragraphLine, (IReadOnlyList<Deb822Field>?)_fields ?? [], _errors);
    }

    private void StartField(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var name = colon > 0 ? line.AsSpan(0, colon).TrimEnd(" \t") : default;
        if (name.IsEmpty || name.IndexOfAny(" \t") >= 0 || name[0] == '-')
        {
            AddError($"The line '{Truncate(line)}' is not a 'Name: value' field.");
            return;
        }

        _name = name.ToString();
        _nameLine = LineNumber;
        _firstLineValue = line.AsSpan(colon + 1).Trim(" \t").ToString();
        _multiline = false;
    }

    private void AddContinuation(string line)
    {
        if (_name is null)
        {
            AddError($"The continuation line '{Truncate(line)}' does not follow a field.");
            return;
        }

        if (!_multiline)
        {
            _value.Clear();
            _value.Append(_firstLineValue);
            _multiline = true;
        }

        _value.Append('\n').Append(line.AsSpan(1).TrimEnd(" \t"));
    }

    private void FinishField()
    {
        if (_name is null)
        {
            return;
        }

        var value = _multiline ? _value.ToString() : _firstLineValue!;
        _fields ??= new List<Deb822Field>(24);
        if (Contains(_fields, _name))
        {
            AddError($"The field '{_name}' appears twice in one paragraph; the first value is used.", _nameLine);
        }
        else
        {
            _fields.Add(new Deb822Field(_name, value, _nameLine));
        }

        _name = null;
    }

    private static bool Contains(List<Deb822Field> fields, string name)
    {
        foreach (var field in fields)
        {
            if (field.Name.Length == name.Length && string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void AddError(string message, int lineNumber = 0)
    {
        _errors ??= [];
        _errors.Add(new Deb822Error(lineNumber == 0 ? LineNumber : lineNumber, message));
    }

    private static bool IsBlank(string line) => line.AsSpan().IndexOfAnyExcept(" \t") < 0;

    private static string Truncate(string line) => line.Length <= 80 ? line : line[..80] + "...";
}
