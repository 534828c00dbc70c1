namespace Drydock.Images.Build;

/// <summary>How a build splits the image into layers.</summary>
public enum BuildLayering
{
    /// <summary>One layer holding everything.</summary>
    Single,

    /// <summary>
    /// One layer for the files Drydock writes (merged-/usr links, accounts, /tmp), then one per
    /// source package in byte order of the source name, so images that share packages share layers.
    /// </summary>
    Source,
}
