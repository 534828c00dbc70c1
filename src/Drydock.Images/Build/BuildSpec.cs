namespace Drydock.Images.Build;

/// <summary>One APT repository the packages of a build come from.</summary>
public sealed record SpecRepository(Uri Uri, IReadOnlyList<string> Suites, IReadOnlyList<string> Components);

/// <summary>A user written to /etc/passwd (and a locked /etc/shadow entry).</summary>
public sealed record SpecUser(string Name, int Uid, int Gid, string Home, string Shell);

/// <summary>A group written to /etc/group.</summary>
public sealed record SpecGroup(string Name, int Gid);

/// <summary>
/// What to leave out of the image. Patterns are paths below the root with <c>*</c> (within
/// one path segment) and <c>**</c> (any depth); <see cref="Keep"/> wins over <see cref="Drop"/>.
/// </summary>
public sealed record SpecPaths
{
    /// <summary>Drop documentation, man pages, info pages and translations (on by default).</summary>
    public bool DropDefaults { get; init; } = true;

    public IReadOnlyList<string> Drop { get; init; } = [];

    public IReadOnlyList<string> Keep { get; init; } = [];
}

/// <summary>
/// A build spec (docs/build-spec.md): where the packages come from, which to install and how
/// the image is configured.
/// </summary>
public sealed record BuildSpec
{
    /// <summary>The keyring used when the spec names none: Debian's, from the debian-archive-keyring package.</summary>
    public const string DefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

    /// <summary>The file the spec was read from, for messages and relative paths.</summary>
    public string Path { get; init; } = "";

    public string Distribution { get; init; } = "debian";

    public required string Release { get; init; }

    public required IReadOnlyList<SpecRepository> Repositories { get; init; }

    public string Keyring { get; init; } = DefaultKeyring;

    public IReadOnlyList<string> Architectures { get; init; } = ["amd64"];

    public required IReadOnlyList<string> Packages { get; init; }

    public IReadOnlyList<string> Exclude { get; init; } = [];

    public IReadOnlyList<SpecUser> Users { get; init; } = [];

    public IReadOnlyList<SpecGroup> Groups { get; init; } = [];

    /// <summary>The user the container runs as (name or uid), written to the config.</summary>
    public string? User { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    public string? Workdir { get; init; }

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public SpecPaths Paths { get; init; } = new();

    /// <summary>The official archive and its security suite, as Debian's own images list them.</summary>
    public static IReadOnlyList<SpecRepository> DefaultRepositories(string distribution, string release) =>
        distribution == "debian"
            ? [
                new SpecRepository(new Uri("http://deb.debian.org/debian/"), [release], ["main"]),
                new SpecRepository(new Uri("http://deb.debian.org/debian-security/"), [release + "-security"], ["main"]),
            ]
            : throw new InvalidDataException(
                $"The distribution '{distribution}' has no default repositories; only 'debian' has. "
                + "List the repositories in the spec.");
}
