using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Drydock.Packages.Apt.Trust;

/// <summary>The clock and the Signed-By fingerprint selection one Release check uses.</summary>
internal sealed record TrustPolicy(DateTimeOffset Now, IReadOnlyList<string> Fingerprints)
{
    /// <summary>
    /// Returns whether a signer is one the fingerprints allow: its own fingerprint, or its
    /// primary key's fingerprint unless that entry ends with <c>!</c> (sources.list(5)).
    /// </summary>
    public bool IsSelected(PgpPublicKeyRing ring, PgpPublicKey key)
    {
        if (Fingerprints.Count == 0)
        {
            return true;
        }

        var own = Keyring.Fingerprint(key);
        var primary = Keyring.Fingerprint(ring.GetPublicKey());
        return Fingerprints.Any(f =>
            f.TrimEnd('!').Equals(own, StringComparison.OrdinalIgnoreCase)
            || (!f.EndsWith('!') && f.Equals(primary, StringComparison.OrdinalIgnoreCase)));
    }
}
