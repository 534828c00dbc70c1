namespace Drydock.Packages.Distros;

/// <summary>The package format and database family of a distribution.</summary>
public enum PackageFormat
{
    Unknown,
    Deb,
    Apk,
    Rpm,
}

/// <summary>
/// A distribution release detected in an image: what it is, the advisory namespace its
/// packages are matched in, and whether its security support has ended.
/// </summary>
public sealed record Distro
{
    /// <summary>The os-release <c>ID</c>, such as <c>debian</c>, <c>ubuntu</c>, <c>alpine</c> or <c>rhel</c>.</summary>
    public required string Id { get; init; }

    /// <summary>
    /// The release that advisories are published for: <c>12</c>, <c>22.04</c>, <c>3.18</c>, <c>9</c>;
    /// <c>testing</c>, <c>unstable</c>, <c>edge</c> or <c>rolling</c> for development and rolling
    /// releases.
    /// </summary>
    public required string Release { get; init; }

    /// <summary>The full version when the image states one, such as <c>12.15</c> or <c>3.18.4</c>.</summary>
    public string? Version { get; init; }

    /// <summary>The release codename, such as <c>bookworm</c> or <c>jammy</c>, when the distribution uses one.</summary>
    public string? Codename { get; init; }

    /// <summary>The os-release <c>PRETTY_NAME</c>, or a name built from the legacy release file.</summary>
    public string? PrettyName { get; init; }

    /// <summary>The advisory namespace, <c>vendor:release</c>: <c>debian:12</c>, <c>alpine:3.18</c>, <c>redhat:9</c>.</summary>
    public required string Namespace { get; init; }

    public PackageFormat PackageFormat { get; init; }

    /// <summary>
    /// The last day of public security support, or null when unknown or not yet scheduled. See
    /// <see cref="EndOfLifeTable"/> for what "support" means for each distribution.
    /// </summary>
    public DateOnly? EndOfLife { get; init; }

    /// <summary>True for a numbered release older than every release the embedded table lists.</summary>
    public bool OlderThanKnownReleases { get; init; }

    /// <summary>The files that detection read, in order, so a report can name where the result came from.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Malformed lines that detection skipped, each with its file and line number.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Returns true when security support ended before <paramref name="today"/>.</summary>
    public bool IsEndOfLife(DateOnly today) => OlderThanKnownReleases || (EndOfLife is { } end && today > end);
}
