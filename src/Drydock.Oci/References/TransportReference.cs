using System.Diagnostics.CodeAnalysis;

namespace Drydock.Oci.References;

/// <summary>The kinds of place an image can be read from or written to.</summary>
public enum TransportKind
{
    /// <summary>A registry repository reached over the distribution API (<c>docker://</c>).</summary>
    Registry,

    /// <summary>An OCI image layout directory (<c>oci:DIR[:TAG]</c>).</summary>
    OciLayout,

    /// <summary>A tar file of an OCI image layout (<c>oci-archive:FILE[:TAG]</c>).</summary>
    OciArchive,

    /// <summary>A <c>docker save</c> tar file (<c>docker-archive:FILE[:REF]</c>).</summary>
    DockerArchive,
}

/// <summary>
/// An image location as skopeo and crane spell it: <c>docker://REF</c> or a bare registry
/// reference, <c>oci:DIR[:TAG]</c>, <c>oci-archive:FILE[:TAG]</c> or <c>docker-archive:FILE[:REF]</c>.
/// As in containers/image v5, the path ends at the first ':' after the transport prefix, so
/// file paths cannot contain ':'.
/// </summary>
public sealed record TransportReference
{
    private const string DockerPrefix = "docker://";
    private const string OciPrefix = "oci:";
    private const string OciArchivePrefix = "oci-archive:";
    private const string DockerArchivePrefix = "docker-archive:";

    private TransportReference(TransportKind kind, ImageReference? image, string? path, string? tag)
    {
        Kind = kind;
        Image = image;
        Path = path;
        Tag = tag;
    }

    public TransportKind Kind { get; }

    /// <summary>The registry reference; set only for <see cref="TransportKind.Registry"/>.</summary>
    public ImageReference? Image { get; }

    /// <summary>The directory or file; set for every kind except the registry.</summary>
    public string? Path { get; }

    /// <summary>
    /// The text after the path: the tag of an OCI layout or archive, or the image reference
    /// inside a docker-archive. Null when absent.
    /// </summary>
    public string? Tag { get; }

    public static TransportReference Parse(string value)
    {
        if (!TryParse(value, out var reference, out var error))
        {
            throw new FormatException(error);
        }

        return reference;
    }

    public static bool TryParse(string? value, [NotNullWhen(true)] out TransportReference? reference) =>
        TryParse(value, out reference, out _);

    /// <summary>Parses a location, or returns false with a sentence that says what is wrong.</summary>
    public static bool TryParse(
        string? value, [NotNullWhen(true)] out TransportReference? reference, out string error)
    {
        reference = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "Image location is empty. Expected a registry reference such as "
                + "'docker.io/library/debian:bookworm', or oci:DIR, oci-archive:FILE, docker-archive:FILE.";
            return false;
        }

        if (value.StartsWith(OciArchivePrefix, StringComparison.Ordinal))
        {
            return TryParseFile(TransportKind.OciArchive, value, OciArchivePrefix, out reference, out error);
        }

        if (value.StartsWith(DockerArchivePrefix, StringComparison.Ordinal))
        {
            return TryParseFile(TransportKind.DockerArchive, value, DockerArchivePrefix, out reference, out error);
        }

        if (value.StartsWith(OciPrefix, StringComparison.Ordinal))
        {
            return TryParseFile(TransportKind.OciLayout, value, OciPrefix, out reference, out error);
        }

        var registryText = value.StartsWith(DockerPrefix, StringComparison.Ordinal)
            ? value[DockerPrefix.Length..]
            : value;
        if (!ImageReference.TryParse(registryText, out var image, out error))
        {
            return false;
        }

        reference = new TransportReference(TransportKind.Registry, image, null, null);
        return true;
    }

    /// <summary>The location in the syntax it was parsed from, with registry names normalised.</summary>
    public override string ToString() => Kind switch
    {
        TransportKind.Registry => DockerPrefix + Image,
        TransportKind.OciLayout => OciPrefix + PathAndTag(),
        TransportKind.OciArchive => OciArchivePrefix + PathAndTag(),
        _ => DockerArchivePrefix + PathAndTag(),
    };

    private string PathAndTag() => Tag is null ? Path! : $"{Path}:{Tag}";

    private static bool TryParseFile(
        TransportKind kind,
        string value,
        string prefix,
        [NotNullWhen(true)] out TransportReference? reference,
        out string error)
    {
        reference = null;
        var rest = value[prefix.Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        var path = colon >= 0 ? rest[..colon] : rest;
        var tag = colon >= 0 ? rest[(colon + 1)..] : null;
        if (path.Length == 0)
        {
            error = $"Image location '{value}' has no path after '{prefix}'.";
            return false;
        }

        if (tag is { Length: 0 })
        {
            error = $"Image location '{value}' ends with ':' but names no tag. Remove the ':' or add a tag.";
            return false;
        }

        reference = new TransportReference(kind, null, path, tag);
        error = string.Empty;
        return true;
    }
}
