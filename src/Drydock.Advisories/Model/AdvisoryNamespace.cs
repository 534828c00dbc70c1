using System.Diagnostics.CodeAnalysis;

namespace Drydock.Advisories;

/// <summary>
/// The distribution and release whose advisories apply to an image, written
/// <c>DISTRO:RELEASE</c>: <c>debian:12</c>, <c>ubuntu:18.04</c>, <c>alpine:3.18</c>,
/// <c>alpine:edge</c>, <c>redhat:9</c>. Advisories of one namespace never match another.
/// </summary>
public readonly record struct AdvisoryNamespace
{
    private AdvisoryNamespace(string distribution, string release)
    {
        Distribution = distribution;
        Release = release;
    }

    /// <summary>The distribution id as os-release's <c>ID</c> spells it, lower case.</summary>
    public string Distribution { get; }

    /// <summary>The release: a version number, or a rolling name such as <c>edge</c>.</summary>
    public string Release { get; }

    internal DistributionFamily Family => Distribution switch
    {
        "debian" => DistributionFamily.Debian,
        "ubuntu" => DistributionFamily.Ubuntu,
        "alpine" => DistributionFamily.Alpine,
        "redhat" => DistributionFamily.RedHat,
        _ => DistributionFamily.Other,
    };

    public static AdvisoryNamespace Create(string distribution, string release)
    {
        var text = $"{distribution}:{release}";
        return TryParse(text, out var result)
            ? result
            : throw new ArgumentException(
                $"The advisory namespace '{text}' is invalid. Use DISTRO:RELEASE, for example 'debian:12'.");
    }

    public static AdvisoryNamespace Parse(string text) =>
        TryParse(text, out var result)
            ? result
            : throw new FormatException(
                $"The advisory namespace '{text}' is invalid. Use DISTRO:RELEASE, for example 'debian:12'.");

    public static bool TryParse([NotNullWhen(true)] string? text, out AdvisoryNamespace result)
    {
        result = default;
        var colon = text?.IndexOf(':') ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var distribution = text[..colon];
        var release = text[(colon + 1)..];
        if (!distribution.All(IsNameChar) || !release.All(IsNameChar))
        {
            return false;
        }

        result = new AdvisoryNamespace(distribution, release);
        return true;
    }

    public override string ToString() => $"{Distribution}:{Release}";

    private static bool IsNameChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_';
}

/// <summary>Distribution families that share version rules and advisory formats.</summary>
internal enum DistributionFamily
{
    Other,
    Debian,
    Ubuntu,
    Alpine,
    RedHat,
}
