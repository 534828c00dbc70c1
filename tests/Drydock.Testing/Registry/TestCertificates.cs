using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Drydock.Testing.Registry;

/// <summary>
/// A throwaway certificate authority and a token-signing certificate issued by it, made at
/// test time. The registry trusts the authority; the token server signs with the leaf.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 authority, X509Certificate2 signer)
    {
        Authority = authority;
        Signer = signer;
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The signing certificate, with its RSA private key.</summary>
    public X509Certificate2 Signer { get; }

    public static TestCertificates Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var authorityKey = RSA.Create(2048);
        var authorityRequest = new CertificateRequest(
            "CN=Drydock test token CA", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var authority = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var signerKey = RSA.Create(2048);
        var signerRequest = new CertificateRequest(
            "CN=Drydock test token signer", signerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        signerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        signerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var issued = signerRequest.Create(
            authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var signer = issued.CopyWithPrivateKey(signerKey);
        return new TestCertificates(authority, signer);
    }

    /// <summary>Writes the authority as PEM, for the registry's <c>rootcertbundle</c>.</summary>
    public void WriteAuthorityPem(string path) => File.WriteAllText(path, Authority.ExportCertificatePem());

    public void Dispose()
    {
        Authority.Dispose();
        Signer.Dispose();
    }
}
