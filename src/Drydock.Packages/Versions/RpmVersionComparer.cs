namespace Drydock.Packages.Versions;

/// <summary>
/// Orders RPM versions as rpm 4.20 does: <c>rpmverCmp()</c> (rpmio/rpmver.cc) for
/// epoch-version-release and <c>rpmvercmp()</c> (rpmio/rpmvercmp.cc) for each part.
/// </summary>
public sealed class RpmVersionComparer : IComparer<RpmVersion>, IEqualityComparer<RpmVersion>
{
    /// <summary>The comparer; it has no settings.</summary>
    public static RpmVersionComparer Instance { get; } = new();

    private RpmVersionComparer()
    {
    }

    public int Compare(RpmVersion x, RpmVersion y) => x.CompareTo(y);

    public bool Equals(RpmVersion x, RpmVersion y) => x.CompareTo(y) == 0;

    public int GetHashCode(RpmVersion obj) => obj.GetHashCode();

    /// <summary>
    /// Compares one part (version or release) as <c>rpmvercmp()</c> does. Characters other than
    /// ASCII letters, digits, <c>~</c> and <c>^</c> only separate segments. <c>~</c> sorts before
    /// everything, even the end; <c>^</c> sorts after the end but before any other segment.
    /// Digit segments beat letter segments and compare by value at any length; letter segments
    /// compare by byte.
    /// </summary>
    public static int CompareSegments(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        if (left.SequenceEqual(right))
        {
            return 0;
        }

        int i = 0, j = 0;
        while (i < left.Length || j < right.Length)
        {
            i = SkipSeparators(left, i);
            j = SkipSeparators(right, j);
            var a = i < left.Length ? left[i] : '\0';
            var b = j < right.Length ? right[j] : '\0';
            if (a == '~' || b == '~')
            {
                if (a != b)
                {
                    return a == '~' ? -1 : 1;
                }

                i++;
                j++;
                continue;
            }

            if (a == '^' || b == '^')
            {
                if (a == b)
                {
                    i++;
                    j++;
                    continue;
                }

                // The end sorts before a caret, and a caret before any other segment.
                if (a == '\0' || b == '\0')
                {
                    return a == '\0' ? -1 : 1;
                }

                return a == '^' ? -1 : 1;
            }

            if (a == '\0' || b == '\0')
            {
                break;
            }

            var result = CompareSegment(left, ref i, right, ref j);
            if (result != 0)
            {
                return result;
            }
        }

        if (i >= left.Length && j >= right.Length)
        {
            return 0;
        }

        return i >= left.Length ? -1 : 1;
    }

    /// <summary>
    /// Adds a part to a hash in the form that <see cref="CompareSegments"/> treats as equal:
    /// separators dropped, segments delimited, and leading zeros of digit segments dropped.
    /// </summary>
    internal static void AddNormalized(ref HashCode hash, ReadOnlySpan<char> part)
    {
        var i = 0;
        while (true)
        {
            i = SkipSeparators(part, i);
            if (i >= part.Length)
            {
                return;
            }

            var start = i;
            if (part[i] is '~' or '^')
            {
                i++;
            }
            else
            {
                var digits = char.IsAsciiDigit(part[i]);
                while (i < part.Length && (digits ? char.IsAsciiDigit(part[i]) : char.IsAsciiLetter(part[i])))
                {
                    i++;
                }
            }

            var segment = part[start..i];
            hash.Add('|');
            foreach (var c in char.IsAsciiDigit(segment[0]) ? segment.TrimStart('0') : segment)
            {
                hash.Add(c);
            }
        }
    }

    private static int CompareSegment(ReadOnlySpan<char> left, ref int i, ReadOnlySpan<char> right, ref int j)
    {
        var leftStart = i;
        var rightStart = j;
        var numeric = char.IsAsciiDigit(left[i]);
        while (i < left.Length && (numeric ? char.IsAsciiDigit(left[i]) : char.IsAsciiLetter(left[i])))
        {
            i++;
        }

        while (j < right.Length && (numeric ? char.IsAsciiDigit(right[j]) : char.IsAsciiLetter(right[j])))
        {
            j++;
        }

        // The right side has a segment of the other kind here: numbers are newer than letters.
        if (j == rightStart)
        {
            return numeric ? 1 : -1;
        }

        var x = left[leftStart..i];
        var y = right[rightStart..j];
        if (numeric)
        {
            x = x.TrimStart('0');
            y = y.TrimStart('0');
            if (x.Length != y.Length)
            {
                return x.Length < y.Length ? -1 : 1;
            }
        }

        return Math.Sign(x.SequenceCompareTo(y));
    }

    private static int SkipSeparators(ReadOnlySpan<char> text, int index)
    {
        while (index < text.Length && !char.IsAsciiLetterOrDigit(text[index]) && text[index] is not ('~' or '^'))
        {
            index++;
        }

        return index;
    }
}
