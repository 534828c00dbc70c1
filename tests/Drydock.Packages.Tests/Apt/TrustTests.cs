using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Trust;

namespace Drydock.Packages.Tests.Apt;

/// <summary>Signature checks on the real Debian Release files and keyrings of this machine.</summary>
public sealed class TrustTests
{
    private const string Lists = "/var/lib/apt/lists";
    private const string ArchiveKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
    private const string TrustedParts = "/etc/apt/trusted.gpg.d";

    [Fact]
    public void DebianInRelease_VerifiesWithBinaryKeyring()
    {
        var inRelease = RequireInRelease();
        var keys = Keyring.Load(File.OpenRead(RequireFile(ArchiveKeyring)), ArchiveKeyring);

        var text = SignatureVerifier.VerifyClearSigned(File.ReadAllBytes(inRelease), keys, Policy(), inRelease);

        Assert.StartsWith("Origin: Debian", System.Text.Encoding.UTF8.GetString(text));
    }

    [Fact]
    public void DebianInRelease_VerifiesWithArmouredParts()
    {
        var inRelease = RequireInRelease();
        if (!Directory.Exists(TrustedParts))
        {
            Assert.Skip($"'{TrustedParts}' does not exist on this machine.");
        }

        var keys = Directory.GetFiles(TrustedParts, "*.asc").Order()
            .Select(path => Keyring.Load(File.OpenRead(path), path)).Aggregate((a, b) => a.Concat(b));

        SignatureVerifier.VerifyClearSigned(File.ReadAllBytes(inRelease), keys, Policy(), inRelease);
    }

    [Fact]
    public void DebianInRelease_RejectedByRemovedKeys()
    {
        var inRelease = RequireInRelease();
        var removed = RequireFile("/usr/share/keyrings/debian-archive-removed-keys.gpg");
        var keys = Keyring.Load(File.OpenRead(removed), removed);

        var error = Assert.Throws<AptSignatureException>(
            () => SignatureVerifier.VerifyClearSigned(File.ReadAllBytes(inRelease), keys, Policy(), inRelease));

        Assert.Equal(inRelease, error.Location);
        Assert.NotEmpty(error.KeyIds);
    }

    [Theory]
    [InlineData("Origin: Debian\n", "does not start")]
    [InlineData("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\n", "no complete signature")]
    public void ClearSigned_Malformed(string content, string problem)
    {
        var error = Assert.Throws<AptSignatureException>(
            () => SignatureVerifier.VerifyClearSigned(System.Text.Encoding.ASCII.GetBytes(content), Keyring.Empty, Policy(), "x/InRelease"));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Keyring_Corrupt()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => Keyring.Load(new MemoryStream("not a key"u8.ToArray()), "/etc/apt/keyrings/bad.gpg"));

        Assert.Contains("'/etc/apt/keyrings/bad.gpg'", error.Message);
    }

    private static TrustPolicy Policy() => new(DateTimeOffset.UtcNow, []);

    private static string RequireInRelease() => RequireFile(Path.Combine(Lists, "deb.debian.org_debian_dists_bookworm_InRelease"));

    private static string RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Skip($"'{path}' does not exist on this machine; run apt-get update on Debian 12.");
        }

        return path;
    }
}
