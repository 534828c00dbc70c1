namespace Drydock.Packages.Versions;

/// <summary>
/// Orders Alpine package versions with the rules of apk-tools 3 (src/version.c at commit
/// 90b974fd): <c>digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}</c>.
/// </summary>
/// <remarks>
/// Suffixes rank <c>_alpha</c> &lt; <c>_beta</c> &lt; <c>_pre</c> &lt; <c>_rc</c> &lt; no suffix
/// &lt; <c>_cvs</c> &lt; <c>_svn</c> &lt; <c>_git</c> &lt; <c>_hg</c> &lt; <c>_p</c>. A dotted
/// number that starts with a zero on either side compares as a string (the Gentoo rule), so
/// <c>1.01</c> &lt; <c>1.1</c> and <c>1.0</c> &lt; <c>1.00</c>. Invalid text compares as apk does:
/// tokens up to the first invalid one decide. apk keeps numbers in 64 bits, which wrap above
/// 20 digits, while this comparer compares digit strings of any length.
/// </remarks>
public sealed class ApkVersionComparer : IComparer<ApkVersion>, IEqualityComparer<ApkVersion>
{
    /// <summary>The comparer; it has no settings.</summary>
    public static ApkVersionComparer Instance { get; } = new();

    private ApkVersionComparer()
    {
    }

    public int Compare(ApkVersion x, ApkVersion y) => x.CompareTo(y);

    public bool Equals(ApkVersion x, ApkVersion y) => x.CompareTo(y) == 0;

    public int GetHashCode(ApkVersion obj) => obj.GetHashCode();

    /// <summary>Compares two version strings as <c>apk version -t</c> does, valid or not.</summary>
    public static int Compare(ReadOnlySpan<char> left, ReadOnlySpan<char> right) => CompareCore(left, right, false);

    /// <summary>
    /// Tests a dependency constraint such as <c>&gt;=</c>, <c>&lt;</c>, <c>=</c>, <c>~</c> (fuzzy:
    /// <paramref name="left"/> starts with the components of <paramref name="right"/>) or
    /// <c>&lt;~</c>, as apk's <c>apk_version_match()</c> does.
    /// </summary>
    /// <exception cref="FormatException">The operator is not made of <c>&lt;</c>, <c>&gt;</c>, <c>=</c> and <c>~</c>.</exception>
    public static bool Matches(ReadOnlySpan<char> left, string constraintOperator, ReadOnlySpan<char> right)
    {
        ArgumentNullException.ThrowIfNull(constraintOperator);
        bool less = false, greater = false, equal = false, fuzzy = false;
        foreach (var c in constraintOperator)
        {
            switch (c)
            {
                case '<': less = true; break;
                case '>': greater = true; break;
                case '=': equal = true; break;
                case '~': fuzzy = equal = true; break;
                default:
                    throw new FormatException(
                        $"Invalid apk version operator '{constraintOperator}': use <, <=, =, >=, >, ~, <~ or >~.");
            }
        }

        if (constraintOperator.Length == 0)
        {
            throw new FormatException("The apk version operator is empty: use <, <=, =, >=, >, ~, <~ or >~.");
        }

        var result = CompareCore(left, right, fuzzy);
        if (result < 0)
        {
            return less;
        }

        return result > 0 ? greater : equal;
    }

    /// <summary>Returns true when apk accepts the text as a version.</summary>
    internal static bool IsValid(ReadOnlySpan<char> text)
    {
        var token = ApkToken.First(text);
        while (token.Kind < ApkTokenKind.End)
        {
            token = token.Next(text);
        }

        return token.Kind == ApkTokenKind.End;
    }

    /// <summary>
    /// Adds a valid version to a hash in the form that compares equal: numbers that apk
    /// compares by value are added without leading zeros.
    /// </summary>
    internal static void AddNormalized(ref HashCode hash, ReadOnlySpan<char> text)
    {
        for (var token = ApkToken.First(text); token.Kind < ApkTokenKind.End; token = token.Next(text))
        {
            hash.Add(token.Kind);
            var value = text.Slice(token.Start, token.Length);
            if (token.Kind is ApkTokenKind.InitialDigit or ApkTokenKind.SuffixNumber or ApkTokenKind.RevisionNumber)
            {
                value = value.TrimStart('0');
            }

            foreach (var c in value)
            {
                hash.Add(c);
            }
        }
    }

    private static int CompareCore(ReadOnlySpan<char> left, ReadOnlySpan<char> right, bool fuzzy)
    {
        var a = ApkToken.First(left);
        var b = ApkToken.First(right);
        while (a.Kind == b.Kind && a.Kind < ApkTokenKind.End)
        {
            var result = CompareTokens(a, left, b, right);
            if (result != 0)
            {
                return result;
            }

            a = a.Next(left);
            b = b.Next(right);
        }

        if (a.Kind == b.Kind || (b.Kind == ApkTokenKind.End && fuzzy))
        {
            return 0;
        }

        // The common components are equal, so the longer version is greater unless what it
        // has next is a pre-release suffix.
        if (a.Kind == ApkTokenKind.Suffix && a.Suffix < ApkSuffix.None)
        {
            return -1;
        }

        if (b.Kind == ApkTokenKind.Suffix && b.Suffix < ApkSuffix.None)
        {
            return 1;
        }

        return a.Kind > b.Kind ? -1 : 1;
    }

    private static int CompareTokens(ApkToken a, ReadOnlySpan<char> left, ApkToken b, ReadOnlySpan<char> right)
    {
        var x = left.Slice(a.Start, a.Length);
        var y = right.Slice(b.Start, b.Length);
        switch (a.Kind)
        {
            case ApkTokenKind.Digit when x[0] == '0' || y[0] == '0':
                return Math.Sign(x.SequenceCompareTo(y));
            case ApkTokenKind.Digit:
            case ApkTokenKind.InitialDigit:
            case ApkTokenKind.SuffixNumber:
            case ApkTokenKind.RevisionNumber:
                return CompareNumbers(x, y);
            case ApkTokenKind.Letter:
                return x[0].CompareTo(y[0]);
            case ApkTokenKind.Suffix:
                return ((int)a.Suffix).CompareTo((int)b.Suffix);
            default:
                return Math.Sign(x.SequenceCompareTo(y));
        }
    }

    private static int CompareNumbers(ReadOnlySpan<char> x, ReadOnlySpan<char> y)
    {
        x = x.TrimStart('0');
        y = y.TrimStart('0');
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : Math.Sign(x.SequenceCompareTo(y));
    }
}
