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
    private string? _filename;
    private ReadOnlyMemory<byte> _filenameUtf8;
    private string? _sha256;
    private ReadOnlyMemory<byte> _sha256Utf8;
    private string? _dependsText;
    private ReadOnlyMemory<byte> _dependsTextUtf8;
    private string? _preDependsText;
    private ReadOnlyMemory<byte> _preDependsTextUtf8;
    private string? _providesText;
    private ReadOnlyMemory<byte> _providesTextUtf8;
    private string? _breaksText;
    private ReadOnlyMemory<byte> _breaksTextUtf8;
    private string? _conflictsText;
    private ReadOnlyMemory<byte> _conflictsTextUtf8;
    private string? _recommendsText;
    private ReadOnlyMemory<byte> _recommendsTextUtf8;
    private IReadOnlyList<IReadOnlyList<Relation>>? _depends;
    private IReadOnlyList<IReadOnlyList<Relation>>? _recommends;
    private IReadOnlyList<IReadOnlyList<Relation>>? _preDepends;
    private IReadOnlyList<Relation>? _provides;
    private IReadOnlyList<Relation>? _breaks;
    private IReadOnlyList<Relation>? _conflicts;
    private IReadOnlyList<Relation>? _replaces;

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
    public string? Filename
    {
        get => _filename ??= Decode(_filenameUtf8);
        init => _filename = value;
    }

    /// <summary>The undecoded value, turned into a string on first read.</summary>
    internal ReadOnlyMemory<byte> FilenameUtf8 { private get => _filenameUtf8; init => _filenameUtf8 = value; }

    public long Size { get; init; }

    /// <summary>The lower-case hex SHA256 of the .deb.</summary>
    public string? Sha256
    {
        get => _sha256 ??= Decode(_sha256Utf8);
        init => _sha256 = value;
    }

    /// <summary>The undecoded value, turned into a string on first read.</summary>
    internal ReadOnlyMemory<byte> Sha256Utf8 { private get => _sha256Utf8; init => _sha256Utf8 = value; }

    public string? DependsText
    {
        get => _dependsText ??= Decode(_dependsTextUtf8);
        init => _dependsText = value;
    }

    /// <summary>The undecoded value, turned into a string on first read.</summary>
    internal ReadOnlyMemory<byte> DependsTextUtf8 { private get => _dependsTextUtf8; init => _dependsTextUtf8 = value; }

    public string? PreDependsText
    {
        get => _preDependsText ??= Decode(_preDependsTextUtf8);
        init => _preDependsText = value;
    }

    /// <summary>The undecoded value, turned into a string on first read.</summary>
    internal ReadOnlyMemory<byte> PreDependsTextUtf8 { private get => _preDependsTextUtf8; init => _preDependsTextUtf8 = value; }

    public string? RecommendsText
    {
        get => _recommendsText ??= Decode(_recommendsTextUtf8);
        init => _recommendsText = value;
    }

    /// <summary>The undecoded value, turned into a string on first read.</summary>
    internal ReadOnlyMemory<byte> RecommendsTextUtf8 { private get => _recommendsTextUtf8; init => _recommendsTextUtf8 = value; }

    public string? ProvidesText
    {
        get => _providesText ??= Decode(_providesTextUtf8);
        init => _providesText = value;
    }

    /// <summary>The undecoded value, turned into a string on first read.</summary>
    internal ReadOnlyMemory<byte> ProvidesTextUtf8 { private get => _providesTextUtf8; init => _providesTextUtf8 = value; }

    public string? BreaksText
    {
        get => _breaksText ??= Decode(_breaksTextUtf8);
        init => _breaksText = value;
    }

    /// <summary>The undecoded value, turned into a string on first read.</summary>
    internal ReadOnlyMemory<byte> BreaksTextUtf8 { private get => _breaksTextUtf8; init => _breaksTextUtf8 = value; }

    public string? ConflictsText
    {
        get => _conflictsText ??= Decode(_conflictsTextUtf8);
        init => _conflictsText = value;
    }

    /// <summary>The undecoded value, turned into a string on first read.</summary>
    internal ReadOnlyMemory<byte> ConflictsTextUtf8 { private get => _conflictsTextUtf8; init => _conflictsTextUtf8 = value; }

    /// <summary>
    /// The Replaces field. Only readers of the dpkg database set it, because resolving
    /// an upgrade does not use it.
    /// </summary>
    public string? ReplacesText { get; init; }

    /// <summary>The dpkg Status field (<c>install ok installed</c>), present in the dpkg status file only.</summary>
    public string? Status { get; init; }

    /// <summary>The release and component this stanza was read from; null for installed packages.</summary>
    public ReleaseInfo? Release { get; init; }

    public IReadOnlyList<IReadOnlyList<Relation>> Depends => _depends ??= Relations(DependsText, "Depends");

    public IReadOnlyList<IReadOnlyList<Relation>> PreDepends => _preDepends ??= Relations(PreDependsText, "Pre-Depends");

    public IReadOnlyList<IReadOnlyList<Relation>> Recommends => _recommends ??= Relations(RecommendsText, "Recommends");

    public IReadOnlyList<Relation> Provides => _provides ??= Flat(ProvidesText, "Provides");

    public IReadOnlyList<Relation> Breaks => _breaks ??= Flat(BreaksText, "Breaks");

    public IReadOnlyList<Relation> Conflicts => _conflicts ??= Flat(ConflictsText, "Conflicts");

    public IReadOnlyList<Relation> Replaces => _replaces ??= Flat(ReplacesText, "Replaces");

    public override string ToString() => $"{Name}:{Architecture} {Version}";

    // Decoding is idempotent, so two threads racing on first read store equal strings.
    private static string? Decode(ReadOnlyMemory<byte> utf8) =>
        utf8.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(utf8.Span);

    private IReadOnlyList<IReadOnlyList<Relation>> Relations(string? text, string field) =>
        RelationParser.Parse(text, $"{Name} {Version} {field}");

    private List<Relation> Flat(string? text, string field) => [.. Relations(text, field).SelectMany(g => g)];
}
