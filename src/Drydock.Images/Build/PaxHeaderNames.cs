using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Drydock.Images.Build;

/// <summary>
/// Makes the names of PAX extended headers in a tar file independent of the writing process.
/// .NET 10's TarWriter names each one <c>DIR/PaxHeaders.PID/NAME</c> with its process id, so
/// two builds in two processes gave different layer bytes. Readers ignore these names
/// (POSIX.1-2008 pax, "ustar Interchange Format"), so the id is replaced with 0.
/// </summary>
internal static partial class PaxHeaderNames
{
    private const int BlockSize = 512;

    /// <summary>Rewrites the extended-header names of the tar file at <paramref name="path"/> in place.</summary>
    /// <exception cref="InvalidDataException">A header's size field is not octal.</exception>
    public static void Normalize(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var header = new byte[BlockSize];
        long offset = 0;
        while (offset + BlockSize <= file.Length)
        {
            file.Position = offset;
            file.ReadExactly(header);
            if (header.All(b => b == 0))
            {
                return;
            }

            if (header[156] is (byte)'x' or (byte)'g' && Rename(header))
            {
                file.Position = offset;
                file.Write(header);
            }

            var size = Size(header, path, offset);
            offset += BlockSize + ((size + BlockSize - 1) / BlockSize * BlockSize);
        }
    }

    private static bool Rename(byte[] header)
    {
        var name = Encoding.ASCII.GetString(header, 0, 100).TrimEnd('\0');
        var renamed = ProcessId().Replace(name, "PaxHeaders.0/");
        if (renamed == name)
        {
            return false;
        }

        Array.Clear(header, 0, 100);
        Encoding.ASCII.GetBytes(renamed, header);

        // The checksum is the byte sum of the header with its own field read as spaces.
        Array.Fill(header, (byte)' ', 148, 8);
        var sum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", header.AsSpan(148));
        return true;
    }

    private static long Size(byte[] header, string path, long offset)
    {
        var text = Encoding.ASCII.GetString(header, 124, 12).Trim('\0', ' ');
        try
        {
            return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
        }
        catch (FormatException e)
        {
            // NOTE: base-256 sizes (files of 8 GiB and more) are not read here.
            throw new InvalidDataException(
                $"The tar header at offset {offset.ToString(CultureInfo.InvariantCulture)} of '{path}' has "
                + $"size '{text}', which is not octal.", e);
        }
    }

    [GeneratedRegex(@"PaxHeaders\.[0-9]+/")]
    private static partial Regex ProcessId();
}
