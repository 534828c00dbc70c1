using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Drydock.Packages.Apt.Trust;

/// <summary>
/// Checks the OpenPGP signatures of Release files as apt's gpgv method (apt 2.6) accepts
/// them: at least one good signature by a trusted key that is neither expired nor revoked,
/// no bad signature, and no signature with a weak digest (MD5, SHA1, RIPEMD160).
/// Signatures by keys the keyring does not hold are ignored, as gpgv's NO_PUBKEY is.
/// </summary>
internal static class SignatureVerifier
{
    private const string BeginSigned = "-----BEGIN PGP SIGNED MESSAGE-----";
    private const string BeginSignature = "-----BEGIN PGP SIGNATURE-----";
    private const string EndSignature = "-----END PGP SIGNATURE-----";

    /// <summary>
    /// Verifies a clear-signed file (InRelease) and returns the signed text alone, so that
    /// nothing outside the signature is ever parsed.
    /// </summary>
    public static byte[] VerifyClearSigned(byte[] file, Keyring keyring, TrustPolicy policy, string location)
    {
        var (text, armour) = SplitClearSigned(file, location);
        var canonical = Encoding.Latin1.GetBytes(string.Join("\r\n", text.Select(l => l.TrimEnd(' ', '\t'))));
        var signatures = ReadSignatures(Encoding.Latin1.GetBytes(armour), location);
        Check(signatures, _ => canonical, keyring, policy, location);
        return Encoding.Latin1.GetBytes(string.Join('\n', text) + "\n");
    }

    /// <summary>Returns the signed text of a clear-signed file without checking it (trusted=yes sources).</summary>
    public static byte[] ExtractClearSigned(byte[] file, string location)
    {
        var (text, _) = SplitClearSigned(file, location);
        return Encoding.Latin1.GetBytes(string.Join('\n', text) + "\n");
    }

    /// <summary>Verifies a detached signature (Release.gpg) over the bytes of a file.</summary>
    public static void VerifyDetached(byte[] content, byte[] signature, Keyring keyring, TrustPolicy policy, string location)
    {
        var signatures = ReadSignatures(signature, location);
        byte[]? textForm = null;
        Check(
            signatures,
            sig => sig.SignatureType == PgpSignature.CanonicalTextDocument ? textForm ??= ToCrLf(content) : content,
            keyring,
            policy,
            location);
    }

    private static (List<string> Text, string Armour) SplitClearSigned(byte[] file, string location)
    {
        var lines = Encoding.Latin1.GetString(file).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var index = 0;
        if (lines.Count == 0 || lines[0] != BeginSigned)
        {
            throw Invalid(location, "does not start with '" + BeginSigned + "'");
        }

        // Armour headers ("Hash: SHA512") end at the first empty line.
        for (index = 1; index < lines.Count && lines[index].Length > 0; index++)
        {
        }

        var text = new List<string>();
        for (index++; index < lines.Count && lines[index] != BeginSignature; index++)
        {
            // RFC 4880, section 7.1: lines starting with '-' are escaped with "- ".
            var line = lines[index];
            text.Add(line.StartsWith("- ", StringComparison.Ordinal) ? line[2..] : line);
        }

        var end = lines.FindIndex(index, l => l == EndSignature);
        if (index >= lines.Count || end < 0)
        {
            throw Invalid(location, "has no complete signature block");
        }

        if (lines.Skip(end + 1).Any(l => l.Trim().Length > 0))
        {
            throw Invalid(location, "has content after the signature block");
        }

        return (text, string.Join('\n', lines[index..(end + 1)]) + "\n");
    }

    private static List<PgpSignature> ReadSignatures(byte[] data, string location)
    {
        var signatures = new List<PgpSignature>();
        try
        {
            using var decoder = PgpUtilities.GetDecoderStream(new MemoryStream(data));
            var factory = new PgpObjectFactory(decoder);
            while (factory.NextPgpObject() is { } item)
            {
                if (item is PgpSignatureList list)
                {
                    signatures.AddRange(Enumerable.Range(0, list.Count).Select(i => list[i]));
                }
            }
        }
        catch (Exception error) when (error is IOException or PgpException)
        {
            throw new AptSignatureException(
                location, [], $"The signature of '{location}' is not valid OpenPGP data: {error.Message}");
        }

        if (signatures.Count == 0)
        {
            throw Invalid(location, "carries no OpenPGP signature");
        }

        return signatures;
    }

    private static void Check(
        List<PgpSignature> signatures,
        Func<PgpSignature, byte[]> signedData,
        Keyring keyring,
        TrustPolicy policy,
        string location)
    {
        var results = signatures.Select(sig => (Sig: sig, Verdict: Judge(sig, signedData(sig), keyring, policy))).ToList();
        var keyIds = results.Select(r => r.Sig.KeyId.ToString("X16")).ToList();
        var bad = results.Where(r => r.Verdict == Verdict.Bad).ToList();
        if (bad.Count > 0)
        {
            throw new AptSignatureException(
                location,
                keyIds,
                $"The signature of '{location}' by key '{bad[0].Sig.KeyId:X16}' is bad: the file was changed " +
                "after signing or is corrupt. Check the mirror and retry.");
        }

        if (results.Any(r => r.Verdict == Verdict.Good))
        {
            return;
        }

        var reasons = string.Join(", ", results.Select(r => $"key '{r.Sig.KeyId:X16}' {Describe(r.Verdict)}"));
        throw new AptSignatureException(
            location,
            keyIds,
            $"'{location}' has no valid signature by a trusted key ({reasons}). Name the repository's " +
            "key with Signed-By (or --keyring), or check the key's expiry and revocation.");
    }

    private static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.NoKey => "is not in the trusted keyring",
        Verdict.NotSelected => "is not among the Signed-By fingerprints",
        Verdict.ExpiredKey => "is expired",
        Verdict.RevokedKey => "is revoked",
        Verdict.ExpiredSignature => "made a signature that has expired",
        Verdict.WeakDigest => "used a weak digest algorithm",
        Verdict.NotSigningKey => "is not certified for signing",
        _ => verdict.ToString(),
    };

    private static Verdict Judge(PgpSignature sig, byte[] data, Keyring keyring, TrustPolicy policy)
    {
        if (keyring.Find(sig.KeyId) is not var (ring, key))
        {
            return Verdict.NoKey;
        }

        if (sig.HashAlgorithm is HashAlgorithmTag.MD5 or HashAlgorithmTag.Sha1 or HashAlgorithmTag.RipeMD160)
        {
            return Verdict.WeakDigest;
        }

        sig.InitVerify(key);
        sig.Update(data);
        if (!sig.Verify())
        {
            return Verdict.Bad;
        }

        if (!policy.IsSelected(ring, key))
        {
            return Verdict.NotSelected;
        }

        return KeyValidity.Check(ring, key, sig, policy.Now);
    }

    private static byte[] ToCrLf(byte[] content) =>
        Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(content).Replace("\r\n", "\n").Replace("\n", "\r\n"));

    private static AptSignatureException Invalid(string location, string problem) =>
        new(location, [], $"The clear-signed file '{location}' {problem}. Check the mirror or use Release and Release.gpg.");
}

/// <summary>The outcome of checking one signature.</summary>
internal enum Verdict
{
    Good,
    Bad,
    NoKey,
    NotSelected,
    ExpiredKey,
    RevokedKey,
    ExpiredSignature,
    WeakDigest,
    NotSigningKey,
}
