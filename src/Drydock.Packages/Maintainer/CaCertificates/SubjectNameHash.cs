using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1;

namespace Drydock.Packages.Maintainer.CaCertificates;

/// <summary>
/// OpenSSL's <c>X509_NAME_hash</c> (OpenSSL 3.0, crypto/x509/x_name.c and x509_cmp.c): the first
/// four bytes of the SHA-1 of the name's canonical encoding, read little-endian. The canonical
/// encoding is each RDN as a DER SET OF its attributes, concatenated without the outer SEQUENCE,
/// with every directory string converted to a lowercased, whitespace-collapsed UTF8String.
/// </summary>
internal static class SubjectNameHash
{
    // ASN1_MASK_CANON: the string types OpenSSL canonicalises; other values are kept as they are.
    private const int Utf8String = 12;
    private const int PrintableString = 19;
    private const int T61String = 20;
    private const int Ia5String = 22;
    private const int VisibleString = 26;
    private const int UniversalString = 28;
    private const int BmpString = 30;

    /// <summary>Computes the hash of a DER-encoded Name (a SEQUENCE OF RDN SETs).</summary>
    /// <exception cref="InvalidDataException">The name is not a SEQUENCE of SETs of attributes.</exception>
    public static uint Compute(Asn1Sequence name)
    {
        using var canonical = new MemoryStream();
        foreach (var rdn in name)
        {
            if (rdn is not Asn1Set set)
            {
                throw new InvalidDataException($"A name component is a '{rdn.GetType().Name}', not a SET.");
            }

            var attributes = set.Cast<Asn1Encodable>().Select(CanonicalAttribute).ToList();
            attributes.Sort(CompareDer);
            var content = attributes.SelectMany(a => a).ToArray();
            canonical.Write(Der.Header(0x31, content.Length));
            canonical.Write(content);
        }

        var digest = SHA1.HashData(canonical.ToArray());
        return BinaryPrimitives.ReadUInt32LittleEndian(digest);
    }

    private static byte[] CanonicalAttribute(Asn1Encodable attribute)
    {
        if (attribute is not Asn1Sequence { Count: 2 } pair || pair[0] is not DerObjectIdentifier oid)
        {
            throw new InvalidDataException("A name attribute is not a SEQUENCE of a type and a value.");
        }

        var value = pair[1].ToAsn1Object().GetEncoded(Asn1Encodable.Der);
        var (tag, contentStart) = Der.ReadHeader(value);
        var canonicalValue = ToUtf8(tag, value.AsSpan(contentStart)) is { } utf8
            ? Der.Encode(Utf8String, Canonicalise(utf8))
            : value;
        var content = oid.GetEncoded(Asn1Encodable.Der).Concat(canonicalValue).ToArray();
        return Der.Encode(0x30, content);
    }

    // ASN1_STRING_to_UTF8: the single-byte types are read as Latin-1, BMPString as UCS-2 and
    // UniversalString as UCS-4, both big-endian. Null keeps the value as it is.
    private static byte[]? ToUtf8(int tag, ReadOnlySpan<byte> content) => tag switch
    {
        Utf8String => content.ToArray(),
        PrintableString or T61String or Ia5String or VisibleString => Encoding.UTF8.GetBytes(Encoding.Latin1.GetString(content)),
        BmpString => Encoding.UTF8.GetBytes(Encoding.BigEndianUnicode.GetString(content)),
        UniversalString => Encoding.UTF8.GetBytes(new UTF32Encoding(bigEndian: true, false).GetString(content)),
        _ => null,
    };

    // asn1_string_canon: strip leading and trailing ASCII whitespace, collapse inner runs to one
    // space and lowercase ASCII letters; bytes above 0x7f are copied unchanged.
    private static byte[] Canonicalise(byte[] utf8)
    {
        var start = 0;
        var end = utf8.Length;
        while (start < end && IsSpace(utf8[start]))
        {
            start++;
        }

        while (end > start && IsSpace(utf8[end - 1]))
        {
            end--;
        }

        var result = new List<byte>(end - start);
        for (var i = start; i < end; i++)
        {
            if (IsSpace(utf8[i]))
            {
                result.Add((byte)' ');
                while (IsSpace(utf8[i + 1]))
                {
                    i++;
                }
            }
            else
            {
                result.Add(utf8[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(utf8[i] + 32) : utf8[i]);
            }
        }

        return [.. result];
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or 0x0b or 0x0c or (byte)'\r';

    // DER orders the members of a SET OF by their encodings (X.690 11.6), as OpenSSL does.
    private static int CompareDer(byte[] left, byte[] right)
    {
        var common = Math.Min(left.Length, right.Length);
        var order = left.AsSpan(0, common).SequenceCompareTo(right.AsSpan(0, common));
        return order != 0 ? order : left.Length - right.Length;
    }
}
