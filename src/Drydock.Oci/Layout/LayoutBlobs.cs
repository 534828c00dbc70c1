using Drydock.Oci.Layers;
using Drydock.Oci.Model;

namespace Drydock.Oci.Layout;

/// <summary>Reading and writing content-addressed blobs under <c>blobs/ALGORITHM/HEX</c>.</summary>
internal static class LayoutBlobs
{
    public static string PathOf(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Hex}";

    /// <summary>Wraps a blob stream so that it throws at its end unless size and digest match.</summary>
    public static Stream Verify(Stream content, Descriptor descriptor, string sourceName) =>
        new HashingStream(content, descriptor.Digest, descriptor.Size, (actual, size) =>
            throw new DigestMismatchException(MismatchMessage(descriptor, sourceName, actual, size)));

    private static string MismatchMessage(Descriptor descriptor, string sourceName, Digest actual, long size)
    {
        var found = size == descriptor.Size
            ? $"hashes to '{actual}'"
            : $"has {size} bytes, but its descriptor declares {descriptor.Size} bytes";
        return $"Blob '{descriptor.Digest}' in '{sourceName}' {found}. The file is corrupt; copy the image again.";
    }

    /// <summary>Reads a small blob whole, checking it against its descriptor.</summary>
    public static byte[] ReadSmall(ILayoutFiles files, Descriptor descriptor, int maxSize)
    {
        if (descriptor.Size > maxSize)
        {
            throw new InvalidDataException(
                $"Blob '{descriptor.Digest}' in '{files.Location}' is {descriptor.Size} bytes, over the limit of "
                + $"{maxSize} bytes for manifests and configs.");
        }

        using var stream = Verify(Open(files, descriptor.Digest), descriptor, files.Location);
        var buffer = new MemoryStream((int)descriptor.Size);
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public static Stream Open(ILayoutFiles files, Digest digest)
    {
        var path = PathOf(digest);
        if (!files.Exists(path))
        {
            throw new FileNotFoundException(
                $"Blob '{digest}' is missing from '{files.Location}'. The layout is incomplete; copy the image again.",
                path);
        }

        return files.Open(path);
    }

    /// <summary>
    /// Writes a blob into a layout directory through a temporary file renamed into place, after
    /// checking its size and digest.
    /// </summary>
    public static async Task WriteAsync(string layoutRoot, Descriptor descriptor, Stream content,
        string destinationName, CancellationToken cancellationToken)
    {
        var final = Path.Combine(layoutRoot, PathOf(descriptor.Digest));
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        var temporary = final + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write,
                FileShare.None, 1, FileOptions.Asynchronous))
            {
                var verified = new HashingStream(content, descriptor.Digest, descriptor.Size, (actual, size) =>
                    throw new DigestMismatchException(
                        $"Blob written to '{destinationName}' has {size} bytes with digest '{actual}', but its "
                        + $"descriptor names '{descriptor.Digest}' of {descriptor.Size} bytes."));
                await verified.CopyToAsync(output, 1 << 20, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, final, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
