namespace Drydock.Packages.Maintainer.CaCertificates;

/// <summary>The few DER steps (X.690) that BouncyCastle's object model hides: headers and spans.</summary>
internal static class Der
{
    /// <summary>Returns the tag byte and the offset of the content of the element at the start.</summary>
    /// <exception cref="InvalidDataException">The header is truncated or uses an indefinite length.</exception>
    public static (int Tag, int ContentStart) ReadHeader(ReadOnlySpan<byte> data)
    {
        var (_, contentStart) = ReadLength(data);
        return (data[0], contentStart);
    }

    /// <summary>Returns the length of the whole first element: header and content.</summary>
    /// <exception cref="InvalidDataException">The header is truncated or the content runs past the data.</exception>
    public static int ElementLength(ReadOnlySpan<byte> data)
    {
        var (length, contentStart) = ReadLength(data);
        if ((long)contentStart + length > data.Length)
        {
            throw new InvalidDataException(
                $"A DER element declares '{length}' content bytes, but only '{data.Length - contentStart}' follow.");
        }

        return contentStart + length;
    }

    public static byte[] Header(int tag, int length)
    {
        if (length < 0x80)
        {
            return [(byte)tag, (byte)length];
        }

        var bytes = new List<byte>();
        for (var rest = length; rest > 0; rest >>= 8)
        {
            bytes.Insert(0, (byte)rest);
        }

        return [(byte)tag, (byte)(0x80 | bytes.Count), .. bytes];
    }

    public static byte[] Encode(int tag, byte[] content) => [.. Header(tag, content.Length), .. content];

    private static (int Length, int ContentStart) ReadLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || (data[0] & 0x1f) == 0x1f)
        {
            throw new InvalidDataException("A DER element is truncated or uses a multi-byte tag.");
        }

        if (data[1] < 0x80)
        {
            return (data[1], 2);
        }

        var count = data[1] & 0x7f;
        if (count is 0 or > 3 || data.Length < 2 + count)
        {
            throw new InvalidDataException($"A DER element has an unsupported length of '{count}' bytes.");
        }

        var length = 0;
        for (var i = 0; i < count; i++)
        {
            length = (length << 8) | data[2 + i];
        }

        return (length, 2 + count);
    }
}
