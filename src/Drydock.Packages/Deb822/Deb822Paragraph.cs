namespace Drydock.Packages.Deb822;

/// <summary>One field of a deb822 paragraph, with the line its name is on.</summary>
/// <param name="Name">The field name as written.</param>
/// <param name="Value">
/// The value: the text after the colon, trimmed, then one line per continuation line with its
/// first space or tab removed and trailing spaces trimmed, joined by <c>\n</c>.
/// </param>
/// <param name="LineNumber">The 1-based line number of the field name.</param>
internal readonly record struct Deb822Field(string Name, string Value, int LineNumber);

/// <summary>A malformed line in a deb822 file, with its 1-based line number.</summary>
internal readonly record struct Deb822Error(int LineNumber, string Message);

/// <summary>
/// A deb822 paragraph (a stanza): fields in file order, the line it starts on and the
/// problems found in it. A paragraph with errors still carries every field that parsed.
/// </summary>
internal sealed class Deb822Paragraph
{
    private static readonly IReadOnlyList<Deb822Error> _noErrors = [];

    public Deb822Paragraph(int lineNumber, IReadOnlyList<Deb822Field> fields, IReadOnlyList<Deb822Error>? errors)
    {
        LineNumber = lineNumber;
        Fields = fields;
        Errors = errors ?? _noErrors;
    }

    /// <summary>The 1-based line number of the paragraph's first field.</summary>
    public int LineNumber { get; }

    public IReadOnlyList<Deb822Field> Fields { get; }

    /// <summary>Malformed lines and duplicate fields; empty for a clean paragraph.</summary>
    public IReadOnlyList<Deb822Error> Errors { get; }

    /// <summary>
    /// The value of a field, matched case-insensitively as deb822(5) requires, or null when
    /// absent. When a field is repeated the first one wins, and the repeat is in <see cref="Errors"/>.
    /// </summary>
    public string? this[string name] => Find(name)?.Value;

    /// <summary>Returns the field with the given name, or null when absent.</summary>
    public Deb822Field? Find(string name)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return field;
            }
        }

        return null;
    }

    public bool TryGetValue(string name, out string value)
    {
        var field = Find(name);
        value = field?.Value ?? "";
        return field is not null;
    }
}
