// The namespace is plural so that it does not hide the DockerArchive class from callers.
using Drydock.Oci.Transports;
using Microsoft.Extensions.Logging;

namespace Drydock.Oci.DockerArchives;

/// <summary>The <c>docker-archive:FILE[:REF]</c> transport: the <c>docker save</c> format.</summary>
public static class DockerArchive
{
    /// <summary>
    /// Opens an image in an archive: the one tagged <paramref name="reference"/> (or the
    /// <c>@N</c>-th one), or the only one when no reference is given.
    /// </summary>
    public static IImageSource OpenSource(string path, string? reference, ILogger? logger = null)
    {
        _ = logger;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Docker archive '{path}' does not exist.", path);
        }

        return new DockerArchiveSource(path, reference, DisplayName(path, reference));
    }

    /// <summary>
    /// Opens an archive for writing one image tagged <paramref name="reference"/>. The archive is
    /// built beside the target and replaces it at commit.
    /// </summary>
    public static IImageDestination OpenDestination(string path, string? reference, ILogger? logger = null)
    {
        _ = logger;
        return new DockerArchiveDestination(path, reference, DisplayName(path, reference));
    }

    private static string DisplayName(string path, string? reference) =>
        reference is null ? $"docker-archive:{path}" : $"docker-archive:{path}:{reference}";
}
