using Drydock.Testing.Apt;

namespace Drydock.Packages.Tests.Apt;

/// <summary>Throwaway keys for the refusal tests: a good one with a signing subkey, a stranger, an expired and a revoked key.</summary>
public sealed class TrustKeysFixture : IDisposable
{
    public TrustKeysFixture()
    {
        TestRepository.RequireTools();
        Gpg = new TestGpg();
        Good = Gpg.GenerateKey("Drydock Good");
        GoodSubkey = Gpg.AddSigningSubkey(Good);
        Stranger = Gpg.GenerateKey("Drydock Stranger");
        Expired = Gpg.GenerateKey("Drydock Expired", "1d", fakedTime: "20200101T000000");
        Revoked = Gpg.GenerateKey("Drydock Revoked");
        GoodKeyring = Export(Good, armour: false);
        StrangerKeyring = Export(Stranger, armour: true);
        ExpiredKeyring = Export(Expired, armour: false);
    }

    public TestGpg Gpg { get; }

    public string Good { get; }

    public string GoodSubkey { get; }

    public string Stranger { get; }

    public string Expired { get; }

    public string Revoked { get; }

    public string GoodKeyring { get; }

    public string StrangerKeyring { get; }

    public string ExpiredKeyring { get; }

    /// <summary>Revokes the revoked key (after it signed what a test needs) and exports it.</summary>
    public string RevokeAndExport()
    {
        Gpg.Revoke(Revoked);
        return Export(Revoked, armour: false);
    }

    public string Export(string fingerprint, bool armour)
    {
        var path = Path.Combine(Gpg.Home, fingerprint + (armour ? ".asc" : ".gpg"));
        Gpg.ExportPublicKey(fingerprint, path, armour);
        return path;
    }

    public void Dispose() => Gpg.Dispose();
}
