using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Drydock.Packages.Apt.Trust;

/// <summary>A set of OpenPGP public keys read from binary or ASCII-armoured keyring files.</summary>
public sealed class Keyring
{
    private readonly List<PgpPublicKeyRing> _rings;

    private Keyring(List<PgpPublicKeyRing> rings)
    {
        _rings = rings;
    }

    /// <summary>A keyring with no keys; every signature checked against it fails.</summary>
    public static Keyring Empty { get; } = new([]);

    /// <summary>The number of primary keys.</summary>
    public int Count => _rings.Count;

    internal IReadOnlyList<PgpPublicKeyRing> Rings => _rings;

    /// <summary>Reads every key of a keyring stream; armour is detected from the content.</summary>
    public static Keyring Load(Stream stream, string name)
    {
        var rings = new List<PgpPublicKeyRing>();
        try
        {
            using var decoder = PgpUtilities.GetDecoderStream(stream);
            var factory = new PgpObjectFactory(decoder);
            while (factory.NextPgpObject() is { } item)
            {
                // Keyrings exported by gpg may also carry trust packets, which are skipped.
                if (item is PgpPublicKeyRing ring)
                {
                    rings.Add(ring);
                }
            }
        }
        catch (Exception error) when (error is IOException or PgpException)
        {
            throw new InvalidDataException(
                $"The keyring '{name}' is not a valid OpenPGP keyring: {error.Message}", error);
        }

        if (rings.Count == 0)
        {
            throw new InvalidDataException($"The keyring '{name}' contains no public keys.");
        }

        return new Keyring(rings);
    }

    /// <summary>Reads an ASCII-armoured key block given as text, such as an inline Signed-By value.</summary>
    public static Keyring Parse(string armoured, string name)
    {
        using var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armoured));
        return Load(stream, name);
    }

    /// <summary>Returns a keyring that contains the keys of both.</summary>
    public Keyring Concat(Keyring other) => new([.. _rings, .. other._rings]);

    /// <summary>
    /// Keeps the keys a fingerprint list selects. A primary-key fingerprint selects the key
    /// with its subkeys; a fingerprint with a trailing <c>!</c> selects that exact key only,
    /// which <see cref="SignatureVerifier"/> enforces when it matches the signer.
    /// </summary>
    public Keyring Select(IReadOnlyList<string> fingerprints)
    {
        var wanted = fingerprints.Select(f => f.TrimEnd('!')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var kept = _rings.Where(ring => ring.GetPublicKeys().Any(key => wanted.Contains(Fingerprint(key))));
        return new Keyring([.. kept]);
    }

    internal static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());

    /// <summary>Finds the key (primary or subkey) with a key id, with the ring it belongs to.</summary>
    internal (PgpPublicKeyRing Ring, PgpPublicKey Key)? Find(long keyId)
    {
        foreach (var ring in _rings)
        {
            if (ring.GetPublicKey(keyId) is { } key)
            {
                return (ring, key);
            }
        }

        return null;
    }
}
