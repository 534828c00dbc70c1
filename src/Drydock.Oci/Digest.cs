using System.Security.Cryptography;

namespace Drydock.Oci;

/// <summary>
/// A content digest such as <c>sha256:4f…</c>, validated as the OCI image spec v1.1
/// (descriptor.md, "Digests") defines it. Only sha256 and sha512 are accepted.
/// </summary>
public readonly record struct Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    /// <summary>The algorithm name, <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lower-case hexadecimal encoded hash.</summary>
    public string Hex { get; }

    public static Digest Parse(string value)
    {
        if (!TryParse(value, out var digest))
        {
            throw new FormatException(
                $"Invalid digest '{value}'. Expected 'sha256:' followed by 64 lower-case hex digits.");
        }

        return digest;
    }

    public static bool TryParse(string? value, out Digest digest)
    {
        digest = default;
        if (value is null)
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var algorithm = value[..colon];
        var hex = value[(colon + 1)..];
        var expectedLength = algorithm switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => -1,
        };
        if (hex.Length != expectedLength || !IsLowerHex(hex))
        {
            return false;
        }

        digest = new Digest(algorithm, hex);
        return true;
    }

    /// <summary>Computes the sha256 digest of <paramref name="content"/>.</summary>
    public static Digest Compute(ReadOnlySpan<byte> content) =>
        new("sha256", Convert.ToHexStringLower(SHA256.HashData(content)));

    /// <summary>Builds a sha256 digest from a finished hash.</summary>
    public static Digest FromSha256(ReadOnlySpan<byte> hash) =>
        new("sha256", Convert.ToHexStringLower(hash));

    /// <summary>Creates a hasher for this digest's algorithm.</summary>
    public IncrementalHash CreateHasher() => Algorithm switch
    {
        "sha512" => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        _ => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
    };

    /// <summary>Returns whether a finished hash equals this digest.</summary>
    public bool Matches(ReadOnlySpan<byte> hash) =>
        Convert.ToHexStringLower(hash).Equals(Hex, StringComparison.Ordinal);

    public override string ToString() => Algorithm is null ? string.Empty : $"{Algorithm}:{Hex}";

    private static bool IsLowerHex(string hex)
    {
        foreach (var c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
