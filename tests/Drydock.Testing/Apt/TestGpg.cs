namespace Drydock.Testing.Apt;

/// <summary>
/// A throwaway GnuPG home with keys made by <c>gpg --batch --quick-gen-key</c>, used to sign
/// the test repositories. Deleted on dispose.
/// </summary>
public sealed class TestGpg : IDisposable
{
    private readonly Dictionary<string, string> _environment;

    public TestGpg()
    {
        Home = Directory.CreateTempSubdirectory("drydock-gpg-").FullName;
        _environment = new() { ["GNUPGHOME"] = Home };
    }

    public string Home { get; }

    /// <summary>
    /// Generates a signing key and returns its fingerprint. A <paramref name="fakedTime"/>
    /// such as <c>20200101T000000</c> backdates the key, so with a short expiry it is expired now.
    /// </summary>
    public string GenerateKey(string name, string expiry = "1y", string? fakedTime = null)
    {
        var uid = $"{name} <{name.ToLowerInvariant().Replace(' ', '-')}@drydock.invalid>";
        Gpg(fakedTime, "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", expiry);
        var listing = Gpg(null, "--with-colons", "--list-keys", uid);
        return listing.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    /// <summary>Adds a signing subkey to a key and returns the subkey's fingerprint.</summary>
    public string AddSigningSubkey(string fingerprint)
    {
        Gpg(null, "--passphrase", "", "--quick-add-key", fingerprint, "ed25519", "sign", "1y");
        var fingerprints = Gpg(null, "--with-colons", "--list-keys", fingerprint).Split('\n')
            .Where(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Select(l => l.Split(':')[9]).ToList();
        return fingerprints[^1];
    }

    /// <summary>Revokes a key with the revocation certificate gpg stored when it made the key.</summary>
    public void Revoke(string fingerprint)
    {
        var certificate = Path.Combine(Home, "openpgp-revocs.d", fingerprint + ".rev");
        var text = File.ReadAllText(certificate).Replace(":-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----");
        var imported = Path.Combine(Home, fingerprint + ".rev.asc");
        File.WriteAllText(imported, text);
        Gpg(null, "--import", imported);
    }

    /// <summary>Writes the public key (binary, or ASCII-armoured) to a file.</summary>
    public void ExportPublicKey(string fingerprint, string path, bool armour = false)
    {
        var arguments = new List<string> { "--output", path, "--yes" };
        if (armour)
        {
            arguments.Add("--armor");
        }

        arguments.AddRange(["--export", fingerprint]);
        Gpg(null, [.. arguments]);
    }

    /// <summary>Clear-signs a file (InRelease). A key id ending in <c>!</c> forces that subkey.</summary>
    public void ClearSign(string input, string output, string keyId, string? fakedTime = null) =>
        Gpg(fakedTime, "--yes", "--digest-algo", "SHA512", "--local-user", keyId, "--output", output, "--clearsign", input);

    /// <summary>Makes an armoured detached signature (Release.gpg).</summary>
    public void DetachSign(string input, string output, string keyId, string? fakedTime = null) =>
        Gpg(fakedTime, "--yes", "--digest-algo", "SHA512", "--local-user", keyId, "--output", output, "-abs", input);

    public void Dispose() => Directory.Delete(Home, recursive: true);

    private string Gpg(string? fakedTime, params string[] arguments)
    {
        var all = new List<string> { "--batch", "--quiet", "--pinentry-mode", "loopback" };
        if (fakedTime is not null)
        {
            all.AddRange(["--faked-system-time", fakedTime, "--ignore-time-conflict"]);
        }

        all.AddRange(arguments);
        return ToolRunner.Run("gpg", all, _environment);
    }
}
