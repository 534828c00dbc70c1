using System.Diagnostics.CodeAnalysis;

namespace Drydock.Packages.Versions;

/// <summary>
/// A Debian package version, <c>[epoch:]upstream[-revision]</c>, compared as dpkg compares it.
/// </summary>
/// <remarks>
/// Parsing follows <c>parseversion()</c> in dpkg 1.22 (lib/dpkg/parsehelp.c). The errors dpkg
/// raises are rejected with a <see cref="FormatException"/>: an empty string, embedded spaces,
/// an empty or non-numeric or negative or too large epoch (so <c>a:1.0</c> is invalid), nothing
/// after the colon, an empty upstream version and an empty revision. dpkg only warns when the
/// upstream version does not start with a digit or when either part contains a character
/// outside its allowed set, and it reads such versions from its status database, so they are accepted
/// here too and described by <see cref="Warning"/>.
/// Equality is the comparison's: <c>1.0</c>, <c>0:1.0</c>, <c>1.0-0</c> and <c>1.00</c> are equal,
/// while <see cref="ToString"/> keeps the original text.
/// </remarks>
public readonly struct DebianVersion : IComparable<DebianVersion>, IEquatable<DebianVersion>, IComparable
{
    private readonly string? _text;
    private readonly string? _upstream;
    private readonly string? _revision;

    private DebianVersion(string text, int epoch, string upstream, string revision, string? warning)
    {
        _text = text;
        Epoch = epoch;
        _upstream = upstream;
        _revision = revision;
        Warning = warning;
    }

    /// <summary>The epoch, 0 when the version has none.</summary>
    public int Epoch { get; }

    /// <summary>The upstream version: everything between the epoch and the last hyphen.</summary>
    public string Upstream => _upstream ?? "0";

    /// <summary>The Debian revision after the last hyphen, or an empty string when there is none.</summary>
    public string Revision => _revision ?? "";

    /// <summary>
    /// The reason dpkg would warn about this version (an upstream version that does not start
    /// with a digit, or a character outside the allowed set), or null for a clean version.
    /// </summary>
    public string? Warning { get; }

    /// <summary>Parses a version, raising <see cref="FormatException"/> naming the value when invalid.</summary>
    public static DebianVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var error = TryParseCore(text, out var version);
        return error is null
            ? version
            : throw new FormatException($"Invalid Debian version '{text}': {error}.");
    }

    /// <summary>Parses a version, returning false instead of raising when it is invalid.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out DebianVersion version)
    {
        version = default;
        return text is not null && TryParseCore(text, out version) is null;
    }

    /// <summary>
    /// Parses a version, returning false and the reason when it is invalid, so that callers
    /// reporting a bad record can state what is wrong with it.
    /// </summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text, out DebianVersion version, [NotNullWhen(false)] out string? error)
    {
        version = default;
        error = text is null ? "the version is missing" : TryParseCore(text, out version);
        return error is null;
    }

    /// <summary>Compares two version strings as <c>dpkg --compare-versions</c> does.</summary>
    public static int Compare(string left, string right) => Parse(left).CompareTo(Parse(right));

    public int CompareTo(DebianVersion other)
    {
        if (Epoch != other.Epoch)
        {
            return Epoch < other.Epoch ? -1 : 1;
        }

        var result = DebianVersionComparer.CompareParts(Upstream, other.Upstream);
        return result != 0 ? result : DebianVersionComparer.CompareParts(Revision, other.Revision);
    }

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        DebianVersion other => CompareTo(other),
        _ => throw new ArgumentException("The object is not a DebianVersion.", nameof(obj)),
    };

    public bool Equals(DebianVersion other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is DebianVersion other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Epoch);
        DebianVersionComparer.AddNormalized(ref hash, Upstream);
        hash.Add('-');
        DebianVersionComparer.AddNormalized(ref hash, Revision);
        return hash.ToHashCode();
    }

    /// <summary>Returns the version as it was written, without surrounding whitespace.</summary>
    public override string ToString() => _text ?? "0";

    public static bool operator ==(DebianVersion left, DebianVersion right) => left.Equals(right);

    public static bool operator !=(DebianVersion left, DebianVersion right) => !left.Equals(right);

    public static bool operator <(DebianVersion left, DebianVersion right) => left.CompareTo(right) < 0;

    public static bool operator <=(DebianVersion left, DebianVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >(DebianVersion left, DebianVersion right) => left.CompareTo(right) > 0;

    public static bool operator >=(DebianVersion left, DebianVersion right) => left.CompareTo(right) >= 0;

    private static string? TryParseCore(string text, out DebianVersion version)
    {
        version = default;
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return "the version is empty";
        }

        if (trimmed.AsSpan().IndexOfAny(" \t\r\n\f\v") >= 0)
        {
            return "the version contains spaces";
        }

        var epoch = 0;
        var rest = trimmed.AsSpan();
        var colon = rest.IndexOf(':');
        if (colon >= 0)
        {
            var epochError = ParseEpoch(rest[..colon], out epoch);
            if (epochError is not null)
            {
                return epochError;
            }

            rest = rest[(colon + 1)..];
            if (rest.IsEmpty)
            {
                return "nothing follows the epoch colon";
            }
        }

        var upstream = rest;
        var revision = ReadOnlySpan<char>.Empty;
        var hyphen = rest.LastIndexOf('-');
        if (hyphen >= 0)
        {
            upstream = rest[..hyphen];
            revision = rest[(hyphen + 1)..];
            if (revision.IsEmpty)
            {
                return "the revision after the last hyphen is empty";
            }
        }

        if (upstream.IsEmpty)
        {
            return "the upstream version is empty";
        }

        var warning = FindWarning(upstream, revision);
        version = new DebianVersion(trimmed, epoch, upstream.ToString(), revision.ToString(), warning);
        return null;
    }

    private static string? ParseEpoch(ReadOnlySpan<char> epochText, out int epoch)
    {
        epoch = 0;
        var digits = epochText.StartsWith('+') ? epochText[1..] : epochText;
        if (epochText.StartsWith('-') && epochText.Length > 1 && IsAllDigits(epochText[1..]))
        {
            return "the epoch is negative";
        }

        if (digits.IsEmpty || !IsAllDigits(digits))
        {
            return epochText.IsEmpty ? "the epoch before the colon is empty" : "the epoch is not a number";
        }

        // dpkg stores the epoch as an int and rejects anything above INT_MAX.
        return int.TryParse(digits, out epoch) ? null : "the epoch is too big";
    }

    private static string? FindWarning(ReadOnlySpan<char> upstream, ReadOnlySpan<char> revision)
    {
        if (!char.IsAsciiDigit(upstream[0]))
        {
            return "the upstream version does not start with a digit";
        }

        foreach (var c in upstream)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '+' or '~' or ':'))
            {
                return $"the upstream version contains the invalid character '{c}'";
            }
        }

        foreach (var c in revision)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '+' or '~'))
            {
                return $"the revision contains the invalid character '{c}'";
            }
        }

        return null;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
