namespace Drydock.Packages.Versions;

/// <summary>
/// Orders Debian versions as dpkg does, and compares the parts of a version with dpkg's
/// <c>verrevcmp()</c> (dpkg 1.22, lib/dpkg/version.c).
/// </summary>
public sealed class DebianVersionComparer : IComparer<DebianVersion>, IEqualityComparer<DebianVersion>
{
    /// <summary>The comparer; it has no settings.</summary>
    public static DebianVersionComparer Instance { get; } = new();

    private DebianVersionComparer()
    {
    }

    public int Compare(DebianVersion x, DebianVersion y) => x.CompareTo(y);

    public bool Equals(DebianVersion x, DebianVersion y) => x.CompareTo(y) == 0;

    public int GetHashCode(DebianVersion obj) => obj.GetHashCode();

    /// <summary>
    /// Compares an upstream version or a revision. Non-digit runs compare character by
    /// character with <c>~</c> before the end of the string, the end before letters and letters
    /// before every other character; digit runs compare as numbers of any length, digit by
    /// digit after leading zeros, so no run can overflow.
    /// </summary>
    internal static int CompareParts(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        if (left.SequenceEqual(right))
        {
            return 0;
        }

        int i = 0, j = 0;
        while (i < left.Length || j < right.Length)
        {
            while ((i < left.Length && !char.IsAsciiDigit(left[i])) || (j < right.Length && !char.IsAsciiDigit(right[j])))
            {
                var leftOrder = i < left.Length ? Order(left[i]) : 0;
                var rightOrder = j < right.Length ? Order(right[j]) : 0;
                if (leftOrder != rightOrder)
                {
                    return leftOrder < rightOrder ? -1 : 1;
                }

                i++;
                j++;
            }

            while (i < left.Length && left[i] == '0')
            {
                i++;
            }

            while (j < right.Length && right[j] == '0')
            {
                j++;
            }

            var firstDifference = 0;
            while (i < left.Length && j < right.Length && char.IsAsciiDigit(left[i]) && char.IsAsciiDigit(right[j]))
            {
                if (firstDifference == 0)
                {
                    firstDifference = left[i] - right[j];
                }

                i++;
                j++;
            }

            if (i < left.Length && char.IsAsciiDigit(left[i]))
            {
                return 1;
            }

            if (j < right.Length && char.IsAsciiDigit(right[j]))
            {
                return -1;
            }

            if (firstDifference != 0)
            {
                return firstDifference < 0 ? -1 : 1;
            }
        }

        return 0;
    }

    /// <summary>
    /// Adds a part to a hash in the form that <see cref="CompareParts"/> treats as equal:
    /// leading zeros of every digit run are dropped, so <c>1.0</c>, <c>1.00</c> and <c>01.0</c>
    /// hash alike, and so do an absent revision and <c>0</c>.
    /// </summary>
    internal static void AddNormalized(ref HashCode hash, ReadOnlySpan<char> part)
    {
        var atRunStart = true;
        foreach (var c in part)
        {
            if (c == '0' && atRunStart)
            {
                continue;
            }

            atRunStart = !char.IsAsciiDigit(c);
            hash.Add(c);
        }
    }

    // Digits get order 0, like the end of the string. Every other character has a non-zero
    // order, so a non-digit never ties with a digit.
    private static int Order(char c)
    {
        if (char.IsAsciiDigit(c))
        {
            return 0;
        }

        if (char.IsAsciiLetter(c))
        {
            return c;
        }

        return c == '~' ? -1 : c + 256;
    }
}
