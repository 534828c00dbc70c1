using System.Diagnostics.CodeAnalysis;

namespace Drydock.Packages.Versions;

/// <summary>
/// An Alpine package version such as <c>1.6_rc1-r0</c>, validated and compared as apk-tools 3
/// does (see <see cref="ApkVersionComparer"/>).
/// </summary>
/// <remarks>
/// Equality is the comparison's: <c>01.2-r01</c> equals <c>1.2-r1</c>, because apk compares the
/// first number, suffix numbers and revisions by value. <see cref="ToString"/> keeps the text.
/// </remarks>
public readonly struct ApkVersion : IComparable<ApkVersion>, IEquatable<ApkVersion>, IComparable
{
    private readonly string? _text;

    private ApkVersion(string text) => _text = text;

    /// <summary>Parses a version, raising <see cref="FormatException"/> naming the value when invalid.</summary>
    public static ApkVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var version)
            ? version
            : throw new FormatException(
                $"Invalid apk version '{text}': expected digits and dots, an optional letter, _suffixes " +
                "(alpha, beta, pre, rc, cvs, svn, git, hg, p) with numbers, an optional ~hash and -rN.");
    }

    /// <summary>Parses a version, returning false instead of raising when it is invalid.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ApkVersion version)
    {
        version = default;
        if (text is null || !ApkVersionComparer.IsValid(text))
        {
            return false;
        }

        version = new ApkVersion(text);
        return true;
    }

    public int CompareTo(ApkVersion other) => ApkVersionComparer.Compare(ToString(), other.ToString());

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        ApkVersion other => CompareTo(other),
        _ => throw new ArgumentException("The object is not an ApkVersion.", nameof(obj)),
    };

    public bool Equals(ApkVersion other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is ApkVersion other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        ApkVersionComparer.AddNormalized(ref hash, ToString());
        return hash.ToHashCode();
    }

    /// <summary>Returns the version as it was written; a default value reads <c>0</c>.</summary>
    public override string ToString() => _text ?? "0";

    public static bool operator ==(ApkVersion left, ApkVersion right) => left.Equals(right);

    public static bool operator !=(ApkVersion left, ApkVersion right) => !left.Equals(right);

    public static bool operator <(ApkVersion left, ApkVersion right) => left.CompareTo(right) < 0;

    public static bool operator <=(ApkVersion left, ApkVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >(ApkVersion left, ApkVersion right) => left.CompareTo(right) > 0;

    public static bool operator >=(ApkVersion left, ApkVersion right) => left.CompareTo(right) >= 0;
}
