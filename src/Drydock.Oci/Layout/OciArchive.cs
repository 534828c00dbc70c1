using Drydock.Oci.Transports;
using Microsoft.Extensions.Logging;

namespace Drydock.Oci.Layout;

/// <summary>
/// The <c>oci-archive:FILE[:TAG]</c> transport: an OCI image layout in an uncompressed tar
/// file, as skopeo and buildah write it.
/// </summary>
public static class OciArchive
{
    /// <summary>Opens the image tagged <paramref name="tag"/>, or the only image, in an archive.</summary>
    public static IImageSource OpenSource(string path, string? tag, ILogger? logger = null)
    {
        _ = logger;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"OCI archive '{path}' does not exist.", path);
        }

        return new OciLayoutSource(new TarLayoutFiles(path), tag, DisplayName(path, tag));
    }

    /// <summary>
    /// Opens an archive for writing one image under <paramref name="tag"/>. The archive is built
    /// beside the target and replaces it at commit.
    /// </summary>
    public static IImageDestination OpenDestination(string path, string? tag, ILogger? logger = null)
    {
        _ = logger;
        return new OciArchiveDestination(path, tag, DisplayName(path, tag));
    }

    private static string DisplayName(string path, string? tag) =>
        tag is null ? $"oci-archive:{path}" : $"oci-archive:{path}:{tag}";
}
