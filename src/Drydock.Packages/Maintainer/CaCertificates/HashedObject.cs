using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1;

namespace Drydock.Packages.Maintainer.CaCertificates;

/// <summary>
/// The one certificate or CRL of a file in a certificate directory, as <c>openssl rehash</c>
/// sees it: the hash of its subject (or, for a CRL, issuer) name and the SHA-1 of its DER.
/// </summary>
internal sealed record HashedObject(bool IsCrl, uint NameHash, byte[] Digest)
{
    private const string Begin = "-----BEGIN ";
    private const string End = "-----END ";

    /// <summary>
    /// Reads a PEM file as <c>PEM_X509_INFO_read_bio</c> does: every CERTIFICATE, X509
    /// CERTIFICATE, TRUSTED CERTIFICATE and X509 CRL block counts, and other blocks are skipped.
    /// Returns null when the file does not hold exactly one object, which rehash skips, with a
    /// reason when a block is malformed.
    /// </summary>
    public static HashedObject? Read(byte[] content, out string? reason)
    {
        var objects = new List<HashedObject>();
        try
        {
            foreach (var (label, der) in PemBlocks(content))
            {
                if (label is "CERTIFICATE" or "X509 CERTIFICATE" or "TRUSTED CERTIFICATE")
                {
                    objects.Add(FromDer(der, isCrl: false));
                }
                else if (label == "X509 CRL")
                {
                    objects.Add(FromDer(der, isCrl: true));
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException or IOException)
        {
            reason = e.Message;
            return null;
        }

        // rehash skips a file with none or several objects, such as the bundle, without an error.
        reason = null;
        return objects.Count == 1 ? objects[0] : null;
    }

    private static HashedObject FromDer(byte[] der, bool isCrl)
    {
        // X509_digest hashes the certificate as it was received; a TRUSTED CERTIFICATE block
        // carries trust settings after it, which are not part of the certificate.
        var length = Der.ElementLength(der);
        var certificate = der.AsSpan(0, length).ToArray();
        if (Asn1Object.FromByteArray(certificate) is not Asn1Sequence { Count: 3 } outer
            || outer[0] is not Asn1Sequence tbs)
        {
            throw new InvalidDataException("The DER is not a signed SEQUENCE of three elements.");
        }

        // TBSCertificate (RFC 5280 4.1) is [0] version (optional), serial, signature, issuer,
        // validity, subject; TBSCertList (5.1) is version (optional INTEGER), signature, issuer.
        var nameIndex = isCrl
            ? (tbs[0] is DerInteger ? 2 : 1)
            : (tbs[0] is Asn1TaggedObject ? 5 : 4);
        if (tbs.Count <= nameIndex || tbs[nameIndex] is not Asn1Sequence name)
        {
            throw new InvalidDataException("The DER has no name SEQUENCE where RFC 5280 puts it.");
        }

        return new HashedObject(isCrl, SubjectNameHash.Compute(name), SHA1.HashData(certificate));
    }

    // PEM (RFC 7468) as OpenSSL reads it: text before, between and after blocks is ignored.
    private static IEnumerable<(string Label, byte[] Der)> PemBlocks(byte[] content)
    {
        var lines = Encoding.Latin1.GetString(content).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (!line.StartsWith(Begin, StringComparison.Ordinal) || !line.EndsWith("-----", StringComparison.Ordinal))
            {
                continue;
            }

            var label = line[Begin.Length..^5];
            var body = new StringBuilder();
            var closed = false;
            for (i++; i < lines.Length; i++)
            {
                var bodyLine = lines[i].TrimEnd('\r');
                if (bodyLine.StartsWith(End, StringComparison.Ordinal))
                {
                    closed = bodyLine == End + label + "-----";
                    break;
                }

                body.Append(bodyLine.Trim());
            }

            if (!closed)
            {
                throw new InvalidDataException($"The PEM block '{label}' has no matching END line.");
            }

            yield return (label, Convert.FromBase64String(body.ToString()));
        }
    }
}
