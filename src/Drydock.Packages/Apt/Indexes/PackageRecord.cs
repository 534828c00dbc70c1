using Drydock.Packages.Versions;

namespace Drydock.Packages.Apt.Indexes;

/// <summary>The Multi-Arch field of a binary package (the Debian multiarch spec, deb-control(5)).</summary>
public enum MultiArch
{
    No,
    Same,
    Foreign,
    Allowed,
}

/// <summary>
/// One binary package stanza of a Packages index, keeping the fields resolution and download
/// need. Relation fields stay as text until first used, so parsing a whole index is cheap.
/// </summary>
public sealed class PackageRecord
{
    private IReadOnlyList<IReadOnlyList<Relation>>? _depends;
    private IReadOnlyList<IReadOnlyList<Relation>>? _preDepends;
    private IReadOnlyList<Relation>? _provides;
    private IReadOnlyList<Relation>? _breaks;
    private IReadOnlyList<Relation>? _conflicts;

    public required string Name { get; init; }

    public required DebianVersion Version { get; init; }

    public required string Architecture { get; init; }

    public MultiArch MultiArch { get; init; }

    /// <summary>The source package name; the binary name when the stanza has no Source field.</summary>
    public required string Source { get; init; }

    /// <summary>The source version, from <c>Source: name (version)</c>, else the binary version.</summary>
    public required DebianVersion SourceVersion { get; init; }

    public bool Essential { get; init; }

    public string? Priority { get; init; }

    /// <summary>The path of the .deb below the archive root.</summary>
    public string? Filename { get; init; }

    public long Size { get; init; }

    /// <summary>The lower-case hex SHA256 of the .deb.</summary>
    public string? Sha256 { get; init; }

    public string? DependsText { get; init; }

    public string? PreDependsText { get; init; }

    public string? ProvidesText { get; init; }

    public string? BreaksText { get; init; }

    public string? ConflictsText { get; init; }

    /// <summary>The dpkg Status field (<c>install ok installed</c>), present in the dpkg status file only.</summary>
    public string? Status { get; init; }

    /// <summary>The release and component this stanza was read from; null for installed packages.</summary>
    public ReleaseInfo? Release { get; init; }

    public IReadOnlyList<IReadOnlyList<Relation>> Depends => _depends ??= Relations(DependsText, "Depends");

    public IReadOnlyList<IReadOnlyList<Relation>> PreDepends => _preDepends ??= Relations(PreDependsText, "Pre-Depends");

    public IReadOnlyList<Relation> Provides => _provides ??= Flat(ProvidesText, "Provides");

    public IReadOnlyList<Relation> Breaks => _breaks ??= Flat(BreaksText, "Breaks");

    public IReadOnlyList<Relation> Conflicts => _conflicts ??= Flat(ConflictsText, "Conflicts");

    public override string ToString() => $"{Name}:{Architecture} {Version}";

    private IReadOnlyList<IReadOnlyList<Relation>> Relations(string? text, string field) =>
        RelationParser.Parse(text, $"{Name} {Version} {field}");

    private List<Relation> Flat(string? text, string field) => [.. Relations(text, field).SelectMany(g => g)];
}
