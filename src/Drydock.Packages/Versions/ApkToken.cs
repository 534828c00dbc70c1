namespace Drydock.Packages.Versions;

/// <summary>The kinds of apk version tokens, in the order in which they may follow each other.</summary>
internal enum ApkTokenKind
{
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    CommitHash,
    RevisionNumber,
    End,
    Invalid,
}

/// <summary>apk's suffixes, ranked: those before <see cref="None"/> mark pre-releases.</summary>
internal enum ApkSuffix
{
    Invalid,
    Alpha,
    Beta,
    Pre,
    Rc,
    None,
    Cvs,
    Svn,
    Git,
    Hg,
    P,
}

/// <summary>
/// One token of an apk version and the position after it (<see cref="End"/>), so the whole version is walked
/// without allocating. <see cref="Start"/> and <see cref="Length"/> locate the token's value.
/// </summary>
internal readonly record struct ApkToken(ApkTokenKind Kind, ApkSuffix Suffix, int Start, int Length, int End)
{
    public static ApkToken First(ReadOnlySpan<char> text) => Digits(text, ApkTokenKind.InitialDigit, 0);

    /// <summary>Reads the token after this one, checking that it may follow this one.</summary>
    public ApkToken Next(ReadOnlySpan<char> text)
    {
        var position = End;
        if (position >= text.Length)
        {
            return new ApkToken(ApkTokenKind.End, ApkSuffix.Invalid, position, 0, position);
        }

        var c = text[position];
        switch (c)
        {
            case >= 'a' and <= 'z' when Kind <= ApkTokenKind.Digit:
                return new ApkToken(ApkTokenKind.Letter, ApkSuffix.Invalid, position, 1, position + 1);
            case '.' when Kind <= ApkTokenKind.Digit:
                return Digits(text, ApkTokenKind.Digit, position + 1);
            case >= '0' and <= '9' when Kind <= ApkTokenKind.Digit:
                return Digits(text, ApkTokenKind.Digit, position);
            case >= '0' and <= '9' when Kind == ApkTokenKind.Suffix:
                return Digits(text, ApkTokenKind.SuffixNumber, position);
            case '_' when Kind <= ApkTokenKind.SuffixNumber:
                return ReadSuffix(text, position + 1);
            case '~' when Kind < ApkTokenKind.CommitHash:
                return ReadHash(text, position + 1);
            case '-' when Kind < ApkTokenKind.RevisionNumber && text[(position + 1)..].StartsWith('r'):
                return Digits(text, ApkTokenKind.RevisionNumber, position + 2);
            default:
                return Invalid(position);
        }
    }

    private static ApkToken Digits(ReadOnlySpan<char> text, ApkTokenKind kind, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end == start ? Invalid(start) : new ApkToken(kind, ApkSuffix.Invalid, start, end - start, end);
    }

    private static ApkToken ReadSuffix(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiLetterLower(text[end]))
        {
            end++;
        }

        var suffix = text[start..end] switch
        {
            "alpha" => ApkSuffix.Alpha,
            "beta" => ApkSuffix.Beta,
            "pre" => ApkSuffix.Pre,
            "rc" => ApkSuffix.Rc,
            "cvs" => ApkSuffix.Cvs,
            "svn" => ApkSuffix.Svn,
            "git" => ApkSuffix.Git,
            "hg" => ApkSuffix.Hg,
            "p" => ApkSuffix.P,
            _ => ApkSuffix.Invalid,
        };
        return suffix == ApkSuffix.Invalid
            ? Invalid(start)
            : new ApkToken(ApkTokenKind.Suffix, suffix, start, end - start, end);
    }

    private static ApkToken ReadHash(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiHexDigitLower(text[end]))
        {
            end++;
        }

        return end == start
            ? Invalid(start)
            : new ApkToken(ApkTokenKind.CommitHash, ApkSuffix.Invalid, start, end - start, end);
    }

    private static ApkToken Invalid(int position) => new(ApkTokenKind.Invalid, ApkSuffix.Invalid, position, 0, position);
}
