using Drydock.Oci;

namespace Drydock.Images.Verify;

/// <summary>A kind of problem <see cref="ImageVerifier"/> finds, as dpkg --verify and --audit name them.</summary>
public enum VerifyProblemKind
{
    /// <summary>A file the package owns is not in the image.</summary>
    MissingFile,

    /// <summary>A file's MD5 differs from the package's md5sums list.</summary>
    ChecksumMismatch,

    /// <summary>A conffile differs from the packaged one: a local edit, reported but not an error.</summary>
    ConffileModified,

    /// <summary>A conffile was deleted: allowed by dpkg, reported but not an error.</summary>
    ConffileMissing,

    /// <summary>A Depends or Pre-Depends that no installed package satisfies.</summary>
    UnmetDependency,

    /// <summary>Two packages own one path and neither Replaces the other.</summary>
    SharedPath,

    /// <summary>A package in a dpkg state other than installed (half-installed, unpacked...).</summary>
    NotInstalled,

    /// <summary>A package with neither a file list nor an md5sums list.</summary>
    NoFileList,

    /// <summary>A stanza or list of the dpkg database that could not be read.</summary>
    MalformedDatabase,
}

/// <summary>One problem, with the package and path it concerns where there is one.</summary>
public sealed record VerifyProblem(VerifyProblemKind Kind, string? Package, string? Path, string Detail)
{
    /// <summary>Whether the problem fails verification; edited or deleted conffiles do not.</summary>
    public bool IsError => Kind is not (VerifyProblemKind.ConffileModified or VerifyProblemKind.ConffileMissing);
}

/// <summary>The output of a command run in a chroot of the image.</summary>
public sealed record ChrootRunResult(string Command, int ExitCode, string Output, string Errors);

/// <summary>The outcome of verifying an image's dpkg database against its files.</summary>
public sealed record VerifyReport
{
    public required Digest ManifestDigest { get; init; }

    /// <summary>The packages checked (every package the database lists as present).</summary>
    public required int Packages { get; init; }

    /// <summary>The files whose MD5 was compared with a md5sums list or a Conffiles entry.</summary>
    public required int FilesChecked { get; init; }

    /// <summary>Problems sorted by package, path and kind.</summary>
    public required IReadOnlyList<VerifyProblem> Problems { get; init; }

    /// <summary>The command given with <c>--run</c>, when one ran.</summary>
    public ChrootRunResult? Run { get; init; }

    public bool HasErrors => Problems.Any(p => p.IsError);
}
