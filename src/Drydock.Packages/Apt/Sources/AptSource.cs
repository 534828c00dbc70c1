namespace Drydock.Packages.Apt.Sources;

/// <summary>
/// One repository entry of apt's source configuration: a base URI and one suite with its
/// components, as sources.list(5) of apt 2.6 describes both the one-line and deb822 forms.
/// A deb822 stanza with several URIs or suites becomes one entry per pair.
/// </summary>
public sealed record AptSource
{
    /// <summary>True for <c>deb</c> (binary packages), false for <c>deb-src</c>.</summary>
    public required bool IsBinary { get; init; }

    /// <summary>The archive root, always ending with a slash.</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>The suite or codename (<c>bookworm-security</c>), or a path ending with a slash for a flat repository.</summary>
    public required string Suite { get; init; }

    /// <summary>The components (<c>main</c>, <c>contrib</c>); empty for a flat repository.</summary>
    public required IReadOnlyList<string> Components { get; init; }

    /// <summary>The architectures named by <c>arch=</c> or <c>Architectures</c>; empty means the system's own.</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary>The keys that may sign this repository; null means the default trusted keyrings.</summary>
    public SignedBy? SignedBy { get; init; }

    /// <summary><c>trusted=yes</c>: the repository is used without any signature check.</summary>
    public bool Trusted { get; init; }

    /// <summary><c>check-valid-until=no</c> turns the Valid-Until check off for this entry.</summary>
    public bool CheckValidUntil { get; init; } = true;

    /// <summary>Where the entry was read, such as <c>/etc/apt/sources.list:3</c>, for messages.</summary>
    public string Location { get; init; } = "";

    /// <summary>True when <see cref="Suite"/> is an exact path (a flat repository without dists/).</summary>
    public bool IsFlat => Suite.EndsWith('/');

    /// <summary>The URI of a file under the suite's directory, such as <c>InRelease</c>.</summary>
    public Uri SuiteFileUri(string relativePath) =>
        new(BaseUri, IsFlat ? Suite + relativePath : $"dists/{Suite}/{relativePath}");

    public override string ToString() =>
        $"{(IsBinary ? "deb" : "deb-src")} {BaseUri} {Suite} {string.Join(' ', Components)}".TrimEnd();
}
