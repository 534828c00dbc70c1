using Drydock.Oci.Model;

namespace Drydock.Oci.Layout;

/// <summary>Reading and writing content-addressed blobs under <c>blobs/ALGORITHM/HEX</c>.</summary>
internal static class LayoutBlobs
{
    public static string PathOf(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Hex}";

    /// <summary>Wraps a blob stream so that it throws at its end unless size and digest match.</summary>
    public static Stream Verify(Stream content, Descriptor descriptor, string sourceName) =>
        new VerifyingStream(content, descriptor.Digest, descriptor.Size, (actual, size) =>
            new DigestMismatchException(MismatchMessage(descriptor, sourceName, actual, size)));

    private static string MismatchMessage(Descriptor descriptor, string sourceName, Digest? actual, long size)
    {
        var found = (size - descriptor.Size) switch
        {
            > 0 => $"is longer than the {descriptor.Size} bytes its descriptor declares",
            < 0 => $"has {size} bytes, but its descriptor declares {descriptor.Size} bytes",
            _ => $"hashes to '{actual}'",
        };
        return $"Blob '{descriptor.Digest}' in '{sourceName}' {found}. The file is corrupt; copy the image again.";
    }

    // The content runs past the declared size when actual is null.
    private static string WriteMismatchMessage(
        Descriptor descriptor, string destinationName, Digest? actual, long size)
    {
        var found = actual is null ? $"more than {descriptor.Size} bytes" : $"{size} bytes with digest '{actual}'";
        return $"Blob written to '{destinationName}' has {found}, but its descriptor names "
            + $"'{descriptor.Digest}' of {descriptor.Size} bytes.";
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
                var verified = new VerifyingStream(content, descriptor.Digest, descriptor.Size, (actual, size) =>
                    new DigestMismatchException(WriteMismatchMessage(descriptor, destinationName, actual, size)));
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
