namespace Drydock.Oci.Layers;

/// <summary>What is wrong with a layer that was rejected.</summary>
public enum LayerProblem
{
    /// <summary>An entry name is absolute, contains <c>..</c>, or lands outside the root.</summary>
    PathEscape,

    /// <summary>A symbolic or hard link points outside the image root.</summary>
    LinkEscape,

    /// <summary>A device node that cannot be created without root privileges.</summary>
    DeviceNode,

    /// <summary>A pax extended header or GNU long name larger than the header limit.</summary>
    OversizedHeader,

    /// <summary>The compressed or tar stream ends in the middle of a header or an entry.</summary>
    Truncated,

    /// <summary>The layer expands beyond the size or compression-ratio limit.</summary>
    DecompressionBomb,

    /// <summary>The compressed digest, the diff_id or the size differs from what was declared.</summary>
    DigestMismatch,

    /// <summary>A header, a compressed frame or an entry is malformed.</summary>
    Malformed,
}

/// <summary>
/// A layer that Drydock rejected, naming the image, the layer digest and, where one is at
/// fault, the tar entry. It is an <see cref="IOException"/> because a layer is read as a file
/// stream; <see cref="Problem"/> gives the precise reason.
/// </summary>
public sealed class LayerException : IOException
{
    public LayerException(string message, string imageName, Digest layerDigest, string? entryName,
        LayerProblem problem, Exception? innerException = null)
        : base(message, innerException)
    {
        ImageName = imageName;
        LayerDigest = layerDigest;
        EntryName = entryName;
        Problem = problem;
    }

    public LayerException()
    {
        ImageName = string.Empty;
    }

    public LayerException(string message)
        : base(message)
    {
        ImageName = string.Empty;
    }

    public LayerException(string message, Exception innerException)
        : base(message, innerException)
    {
        ImageName = string.Empty;
    }

    /// <summary>The image the layer belongs to, as the user named it.</summary>
    public string ImageName { get; }

    /// <summary>The digest of the layer blob as the manifest lists it.</summary>
    public Digest LayerDigest { get; }

    /// <summary>The tar entry at fault, as it is named in the archive; null for stream-level faults.</summary>
    public string? EntryName { get; }

    public LayerProblem Problem { get; }
}
