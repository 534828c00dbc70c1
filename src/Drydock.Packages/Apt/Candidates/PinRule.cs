using System.Text.RegularExpressions;
using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Apt.Candidates;

/// <summary>
/// One record of an apt_preferences(5) file (apt 2.6): the packages it covers (names, globs
/// or a /regex/, or <c>*</c> for the general form), what it pins (a release, an origin host
/// or a version) and the priority it gives.
/// </summary>
public sealed class PinRule
{
    private readonly Regex? _packagePattern;
    private readonly Regex? _versionPattern;
    private readonly IReadOnlyList<(char Key, Regex Value)> _releaseTerms;

    private PinRule(string packages, PinKind kind, string pin, int priority, string location)
    {
        Packages = packages;
        Kind = kind;
        Pin = pin;
        Priority = priority;
        Location = location;
        IsGeneral = packages.Trim() == "*";
        _packagePattern = IsGeneral ? null : PackagePattern(packages);
        _versionPattern = kind == PinKind.Version ? Glob(pin) : null;
        _releaseTerms = kind == PinKind.Release ? ReleaseTerms(pin, location) : [];
    }

    /// <summary>The kind of Pin line.</summary>
    public enum PinKind
    {
        Release,
        Origin,
        Version,
    }

    public string Packages { get; }

    public PinKind Kind { get; }

    public string Pin { get; }

    public int Priority { get; }

    /// <summary>True for <c>Package: *</c>, which applies only after every specific record.</summary>
    public bool IsGeneral { get; }

    public string Location { get; }

    internal static PinRule Create(string packages, string pin, int priority, string location)
    {
        var space = pin.IndexOf(' ', StringComparison.Ordinal);
        var keyword = space < 0 ? pin : pin[..space];
        var value = space < 0 ? "" : pin[(space + 1)..].Trim();
        var kind = keyword switch
        {
            "release" => PinKind.Release,
            "origin" => PinKind.Origin,
            "version" => PinKind.Version,
            _ => throw new InvalidDataException(
                $"{location}: invalid Pin '{pin}'. Expected 'release ...', 'origin ...' or 'version ...'."),
        };
        return new PinRule(packages, kind, value, priority, location);
    }

    /// <summary>Returns whether the rule covers a package name.</summary>
    public bool CoversPackage(string name) => IsGeneral || _packagePattern!.IsMatch(name);

    /// <summary>Returns whether the rule matches one version of a package as found in one release.</summary>
    public bool Matches(DebianVersion version, ReleaseInfo? release) => Kind switch
    {
        PinKind.Version => _versionPattern!.IsMatch(version.ToString()),
        PinKind.Origin => release is not null && Unquote(Pin).Equals(release.Site, StringComparison.OrdinalIgnoreCase),
        _ => release is not null && _releaseTerms.All(term => term.Value.IsMatch(Field(release, term.Key) ?? "")),
    };

    private static string? Field(ReleaseInfo release, char key) => key switch
    {
        'a' => release.Suite,
        'n' => release.Codename,
        'o' => release.Origin,
        'l' => release.Label,
        'c' => release.Component,
        'v' => release.Version,
        _ => null,
    };

    // "release a=stable, o=Debian" or the bare "release bookworm" (a version number is
    // v=, anything else n= or a=, as apt 2.6 reads the short form).
    private static List<(char, Regex)> ReleaseTerms(string pin, string location)
    {
        var terms = new List<(char, Regex)>();
        foreach (var item in pin.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.Length > 2 && item[1] == '=' && "anolcv".Contains(item[0], StringComparison.Ordinal))
            {
                terms.Add((item[0], PatternOrLiteral(Unquote(item[2..]))));
            }
            else if (!item.Contains('=', StringComparison.Ordinal))
            {
                terms.Add((char.IsAsciiDigit(item[0]) ? 'v' : 'a', PatternOrLiteral(Unquote(item))));
            }
            else
            {
                throw new InvalidDataException($"{location}: invalid release term '{item}' in Pin.");
            }
        }

        return terms;
    }

    private static string Unquote(string value) => value.Trim().Trim('"');

    private static Regex PackagePattern(string packages)
    {
        var alternatives = packages.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(item => PatternOrLiteral(item).ToString());
        return new Regex("^(?:" + string.Join('|', alternatives) + ")$", RegexOptions.CultureInvariant);
    }

    // A value in slashes is a regular expression; one with * or ? a glob; anything else literal.
    private static Regex PatternOrLiteral(string value)
    {
        if (value.Length > 2 && value[0] == '/' && value[^1] == '/')
        {
            return new Regex(value[1..^1], RegexOptions.CultureInvariant);
        }

        return Glob(value);
    }

    private static Regex Glob(string value) =>
        new("^" + Regex.Escape(value).Replace(@"\*", ".*", StringComparison.Ordinal)
            .Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
