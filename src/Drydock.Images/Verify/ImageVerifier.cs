using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Images.Verify;

/// <summary>What <see cref="ImageVerifier"/> checks, and the command to run in the image.</summary>
public sealed record VerifyOptions
{
    /// <summary>The platform to verify in a multi-platform image; null means the host's.</summary>
    public Platform? Platform { get; init; }

    /// <summary>A shell command to run in a chroot of the unpacked image after the checks, or null.</summary>
    public string? RunCommand { get; init; }
}

/// <summary>
/// Checks that an image's dpkg database and its files agree, like <c>dpkg --verify</c> and
/// <c>dpkg --audit</c> run inside it, streaming the layers once without unpacking them. Images
/// with a <c>status.d</c> directory (distroless) are checked from their md5sums lists.
/// </summary>
public sealed partial class ImageVerifier
{
    private readonly ILogger _logger;

    public ImageVerifier(ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Verifies the image and, when asked, runs a command in a chroot of it.</summary>
    /// <exception cref="InvalidDataException">The image has no dpkg database.</exception>
    /// <exception cref="UnauthorizedAccessException">A command is to run and the process is not root.</exception>
    public async Task<VerifyReport> VerifyAsync(
        IImageSource source, VerifyOptions options, CancellationToken cancellationToken)
    {
        if (options.RunCommand is not null)
        {
            ChrootRunner.RequireSupported();
        }

        var image = await ResolvedImage.LoadAsync(source, options.Platform, cancellationToken).ConfigureAwait(false);
        var tree = await FileDigestTree.ReadAsync(image, cancellationToken).ConfigureAwait(false);
        var (entries, malformed) = DpkgDatabaseSnapshot.Read(tree);
        if (entries.Count == 0 && malformed.Count == 0)
        {
            throw new InvalidDataException(
                $"The image '{source.Name}' has no dpkg database (/var/lib/dpkg/status or status.d), "
                + "so it has no Debian packages to verify. Check the image name and platform.");
        }

        LogRead(tree.Count, entries.Count);
        var checks = new DpkgChecks(tree);
        foreach (var problem in malformed)
        {
            checks.Add(VerifyProblemKind.MalformedDatabase, null, null, problem);
        }

        foreach (var entry in entries)
        {
            checks.CheckFiles(entry);
        }

        checks.CheckDependencies(entries);
        checks.CheckSharedPaths(entries);
        var run = options.RunCommand is { } command
            ? await ChrootRunner.RunAsync(image, command, cancellationToken).ConfigureAwait(false)
            : null;
        return new VerifyReport
        {
            ManifestDigest = image.Manifest.Digest,
            Packages = entries.Count,
            FilesChecked = checks.FilesChecked,
            Problems = checks.Sorted(),
            Run = run,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Paths} paths and {Packages} packages")]
    private partial void LogRead(int paths, int packages);
}
