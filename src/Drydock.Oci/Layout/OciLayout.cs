using Drydock.Oci.Transports;
using Microsoft.Extensions.Logging;

namespace Drydock.Oci.Layout;

/// <summary>The <c>oci:DIR[:TAG]</c> transport: an OCI image layout directory.</summary>
public static class OciLayout
{
    /// <summary>Opens the image tagged <paramref name="tag"/>, or the only image, in a layout directory.</summary>
    public static IImageSource OpenSource(string path, string? tag, ILogger? logger = null)
    {
        _ = logger;
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"OCI image layout directory '{path}' does not exist.");
        }

        return new OciLayoutSource(new DirectoryLayoutFiles(path), tag, DisplayName(path, tag));
    }

    /// <summary>
    /// Opens a layout directory for writing one image under <paramref name="tag"/>. The directory
    /// may be absent, empty, or an existing layout that keeps its other images.
    /// </summary>
    public static IImageDestination OpenDestination(string path, string? tag, ILogger? logger = null)
    {
        _ = logger;
        return new OciLayoutDestination(path, tag, DisplayName(path, tag));
    }

    internal static string DisplayName(string path, string? tag) =>
        tag is null ? $"oci:{path}" : $"oci:{path}:{tag}";
}
