namespace Drydock.Packages.Versions;

// Stand-in until the shared DebianVersion lands; removed at merge.
public readonly struct DebianVersion : IComparable<DebianVersion>, IEquatable<DebianVersion>
{
    private readonly string _text;

    private DebianVersion(string text) => _text = text;

    public static DebianVersion Parse(string text) => new(text.Trim());

    public static bool TryParse(string? text, out DebianVersion version)
    {
        version = text is null ? default : new(text.Trim());
        return text is not null;
    }

    public int CompareTo(DebianVersion other) => Compare(_text ?? "", other._text ?? "");

    public bool Equals(DebianVersion other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is DebianVersion v && Equals(v);

    public override int GetHashCode() => (_text ?? "").GetHashCode(StringComparison.Ordinal);

    public override string ToString() => _text ?? "";

    public static bool operator ==(DebianVersion a, DebianVersion b) => a.Equals(b);

    public static bool operator !=(DebianVersion a, DebianVersion b) => !a.Equals(b);

    public static bool operator <(DebianVersion a, DebianVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(DebianVersion a, DebianVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(DebianVersion a, DebianVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(DebianVersion a, DebianVersion b) => a.CompareTo(b) >= 0;

    private static int Compare(string a, string b)
    {
        var (ea, ua, ra) = Split(a);
        var (eb, ub, rb) = Split(b);
        if (ea != eb)
        {
            return ea.CompareTo(eb);
        }

        var c = ComparePart(ua, ub);
        return c != 0 ? c : ComparePart(ra, rb);
    }

    private static (long, string, string) Split(string v)
    {
        var colon = v.IndexOf(':', StringComparison.Ordinal);
        long epoch = colon > 0 ? long.Parse(v[..colon]) : 0;
        var rest = colon > 0 ? v[(colon + 1)..] : v;
        var dash = rest.LastIndexOf('-');
        return dash > 0 ? (epoch, rest[..dash], rest[(dash + 1)..]) : (epoch, rest, "");
    }

    private static int Order(char c) =>
        char.IsAsciiDigit(c) ? 0 : char.IsAsciiLetter(c) ? c : c == '~' ? -1 : c == '\0' ? 0 : c + 256;

    private static int ComparePart(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            var first = 0;
            while ((i < a.Length && !char.IsAsciiDigit(a[i])) || (j < b.Length && !char.IsAsciiDigit(b[j])))
            {
                var ac = i < a.Length ? Order(a[i]) : 0;
                var bc = j < b.Length ? Order(b[j]) : 0;
                if (ac != bc)
                {
                    return ac - bc;
                }

                i++;
                j++;
            }

            while (i < a.Length && a[i] == '0')
            {
                i++;
            }

            while (j < b.Length && b[j] == '0')
            {
                j++;
            }

            while (i < a.Length && char.IsAsciiDigit(a[i]) && j < b.Length && char.IsAsciiDigit(b[j]))
            {
                if (first == 0)
                {
                    first = a[i] - b[j];
                }

                i++;
                j++;
            }

            if (i < a.Length && char.IsAsciiDigit(a[i]))
            {
                return 1;
            }

            if (j < b.Length && char.IsAsciiDigit(b[j]))
            {
                return -1;
            }

            if (first != 0)
            {
                return first;
            }
        }

        return 0;
    }
}
