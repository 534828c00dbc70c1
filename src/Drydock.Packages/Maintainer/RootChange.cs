namespace Drydock.Packages.Maintainer;

/// <summary>What a native maintainer-script replacement does to one path.</summary>
internal enum RootChangeKind
{
    WriteFile,
    CreateSymlink,
    Remove,
}

/// <summary>
/// One change to a root file system that a maintainer script would have made: a file written,
/// a symbolic link created or replaced, or a path removed. Paths are absolute inside the root.
/// </summary>
internal sealed record RootChange(string Path, RootChangeKind Kind, byte[]? Content = null, string? LinkTarget = null)
{
    /// <summary>Mode 0644, as both update-ca-certificates and ldconfig leave their files.</summary>
    public const UnixFileMode FileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static RootChange File(string path, byte[] content) => new(path, RootChangeKind.WriteFile, content);

    public static RootChange Symlink(string path, string target) =>
        new(path, RootChangeKind.CreateSymlink, LinkTarget: target);

    public static RootChange Removal(string path) => new(path, RootChangeKind.Remove);
}

/// <summary>A file that a native replacement could not use as the script would have, with the reason.</summary>
/// <param name="Path">Absolute path of the file inside the root.</param>
/// <param name="Message">What is wrong with the file, with the value in quotes.</param>
internal sealed record MaintainerDiagnostic(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The changes a native replacement made and the files it warned about.</summary>
internal sealed record MaintainerResult(IReadOnlyList<RootChange> Changes, IReadOnlyList<MaintainerDiagnostic> Diagnostics);
