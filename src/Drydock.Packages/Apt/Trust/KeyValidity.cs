using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Drydock.Packages.Apt.Trust;

/// <summary>
/// Checks that the key behind a good signature may still sign, as gpgv does at the time of
/// the check. The primary key and subkey must be neither revoked nor expired. The subkey must
/// be bound to its primary key with the signing flag, and the signature must not be expired.
/// </summary>
internal static class KeyValidity
{
    // Key flag 0x02 "may sign data", RFC 4880 section 5.2.3.21.
    private const int SignDataFlag = 0x02;

    public static Verdict Check(PgpPublicKeyRing ring, PgpPublicKey key, PgpSignature signature, DateTimeOffset now)
    {
        var primary = ring.GetPublicKey();
        if (IsRevoked(primary, primary, PgpSignature.KeyRevocation))
        {
            return Verdict.RevokedKey;
        }

        if (IsExpired(primary, now))
        {
            return Verdict.ExpiredKey;
        }

        if (key.KeyId != primary.KeyId)
        {
            if (IsRevoked(primary, key, PgpSignature.SubkeyRevocation))
            {
                return Verdict.RevokedKey;
            }

            if (!IsBoundForSigning(primary, key))
            {
                return Verdict.NotSigningKey;
            }

            if (IsExpired(key, now))
            {
                return Verdict.ExpiredKey;
            }
        }

        var lifetime = signature.GetHashedSubPackets()?.GetSignatureExpirationTime() ?? 0;
        return lifetime > 0 && signature.CreationTime.AddSeconds(lifetime) < now.UtcDateTime
            ? Verdict.ExpiredSignature
            : Verdict.Good;
    }

    // NOTE: revocations by a designated revoker key (RFC 4880 section 5.2.3.15) are not
    // checked; only revocations the primary key issued itself are honoured.
    private static bool IsRevoked(PgpPublicKey primary, PgpPublicKey key, int type)
    {
        foreach (var sig in key.GetSignaturesOfType(type))
        {
            if (sig.KeyId == primary.KeyId && VerifiesOver(sig, primary, key))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBoundForSigning(PgpPublicKey primary, PgpPublicKey subkey)
    {
        foreach (var sig in subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding))
        {
            if (sig.KeyId != primary.KeyId || !VerifiesOver(sig, primary, subkey))
            {
                continue;
            }

            var flags = sig.GetHashedSubPackets()?.GetKeyFlags() ?? 0;
            if (flags == 0 || (flags & SignDataFlag) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool VerifiesOver(PgpSignature sig, PgpPublicKey primary, PgpPublicKey key)
    {
        try
        {
            sig.InitVerify(primary);
            return key.KeyId == primary.KeyId ? sig.VerifyCertification(key) : sig.VerifyCertification(primary, key);
        }
        catch (PgpException)
        {
            return false;
        }
    }

    private static bool IsExpired(PgpPublicKey key, DateTimeOffset now)
    {
        var seconds = key.GetValidSeconds();
        return seconds > 0 && key.CreationTime.AddSeconds(seconds) < now.UtcDateTime;
    }
}
