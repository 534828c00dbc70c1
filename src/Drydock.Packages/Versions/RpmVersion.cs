using System.Diagnostics.CodeAnalysis;

namespace Drydock.Packages.Versions;

/// <summary>
/// An RPM epoch-version-release, <c>[epoch:]version[-release]</c>, compared as rpm's
/// <c>rpmverCmp()</c> does: a missing epoch is 0, and a missing release sorts before any release.
/// </summary>
/// <remarks>
/// Parsing splits as rpm's <c>parseEVR()</c> does (rpm 4.20, rpmio/rpmver.cc): leading digits
/// and a colon make the epoch, and the last hyphen starts the release. Version and release may
/// hold only ASCII letters, digits and <c>._+~^</c>, the characters rpmbuild allows once macros
/// are expanded; anything else is rejected, so <c>a:1.0</c>, <c>1.0-</c> and <c>1 0</c> are
/// invalid. Equality is the comparison's: <c>1.0</c>, <c>0:1.0</c> and <c>1_0</c> are equal.
/// </remarks>
public readonly struct RpmVersion : IComparable<RpmVersion>, IEquatable<RpmVersion>, IComparable
{
    private readonly string? _text;
    private readonly string? _version;

    private RpmVersion(string text, uint epoch, bool hasEpoch, string version, string? release)
    {
        _text = text;
        Epoch = epoch;
        HasEpoch = hasEpoch;
        _version = version;
        Release = release;
    }

    /// <summary>The epoch, 0 when the text has none.</summary>
    public uint Epoch { get; }

    /// <summary>True when the text names an epoch, which matters when printing an EVR back.</summary>
    public bool HasEpoch { get; }

    /// <summary>The version between the epoch and the last hyphen.</summary>
    public string Version => _version ?? "0";

    /// <summary>The release after the last hyphen, or null when the text has none.</summary>
    public string? Release { get; }

    /// <summary>Parses an EVR, raising <see cref="FormatException"/> naming the value when invalid.</summary>
    public static RpmVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var error = TryParseCore(text, out var version);
        return error is null ? version : throw new FormatException($"Invalid RPM version '{text}': {error}.");
    }

    /// <summary>Parses an EVR, returning false instead of raising when it is invalid.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out RpmVersion version)
    {
        version = default;
        return text is not null && TryParseCore(text, out version) is null;
    }

    /// <summary>Creates a version from the separate header values, as an rpm database stores them.</summary>
    public static RpmVersion FromParts(uint? epoch, string version, string? release)
    {
        ArgumentNullException.ThrowIfNull(version);
        var text = (epoch is { } e ? $"{e}:" : "") + version + (release is null ? "" : "-" + release);
        var parsed = Parse(text);
        return parsed.Version == version
            ? parsed
            : throw new FormatException($"Invalid RPM version '{version}': a version may not contain '-' or ':'.");
    }

    public int CompareTo(RpmVersion other)
    {
        if (Epoch != other.Epoch)
        {
            return Epoch < other.Epoch ? -1 : 1;
        }

        var result = RpmVersionComparer.CompareSegments(Version, other.Version);
        if (result != 0 || (Release is null && other.Release is null))
        {
            return result;
        }

        if (Release is null || other.Release is null)
        {
            return Release is null ? -1 : 1;
        }

        return RpmVersionComparer.CompareSegments(Release, other.Release);
    }

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        RpmVersion other => CompareTo(other),
        _ => throw new ArgumentException("The object is not an RpmVersion.", nameof(obj)),
    };

    public bool Equals(RpmVersion other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is RpmVersion other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Epoch);
        RpmVersionComparer.AddNormalized(ref hash, Version);
        hash.Add(Release is null);
        RpmVersionComparer.AddNormalized(ref hash, Release);
        return hash.ToHashCode();
    }

    /// <summary>Returns the EVR as it was written; a default value reads <c>0</c>.</summary>
    public override string ToString() => _text ?? "0";

    public static bool operator ==(RpmVersion left, RpmVersion right) => left.Equals(right);

    public static bool operator !=(RpmVersion left, RpmVersion right) => !left.Equals(right);

    public static bool operator <(RpmVersion left, RpmVersion right) => left.CompareTo(right) < 0;

    public static bool operator <=(RpmVersion left, RpmVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >(RpmVersion left, RpmVersion right) => left.CompareTo(right) > 0;

    public static bool operator >=(RpmVersion left, RpmVersion right) => left.CompareTo(right) >= 0;

    private static string? TryParseCore(string text, out RpmVersion version)
    {
        version = default;
        if (text.Length == 0)
        {
            return "the version is empty";
        }

        var rest = text.AsSpan();
        var digits = rest.IndexOfAnyExceptInRange('0', '9');
        uint epoch = 0;
        var hasEpoch = digits >= 0 && rest[digits] == ':';
        if (hasEpoch)
        {
            // parseEVR() reads an empty epoch before the colon as 0.
            if (digits > 0 && !uint.TryParse(rest[..digits], out epoch))
            {
                return "the epoch is larger than 4294967295";
            }

            rest = rest[(digits + 1)..];
        }

        var hyphen = rest.LastIndexOf('-');
        var versionPart = hyphen >= 0 ? rest[..hyphen] : rest;
        var releasePart = hyphen >= 0 ? rest[(hyphen + 1)..] : default;
        var error = CheckPart(versionPart, "version") ?? (hyphen >= 0 ? CheckPart(releasePart, "release") : null);
        if (error is not null)
        {
            return error;
        }

        var release = hyphen >= 0 ? releasePart.ToString() : null;
        version = new RpmVersion(text, epoch, hasEpoch, versionPart.ToString(), release);
        return null;
    }

    private static string? CheckPart(ReadOnlySpan<char> part, string name)
    {
        if (part.IsEmpty)
        {
            return $"the {name} is empty";
        }

        foreach (var c in part)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '+' or '~' or '^'))
            {
                return $"the {name} contains the invalid character '{c}'";
            }
        }

        return null;
    }
}
