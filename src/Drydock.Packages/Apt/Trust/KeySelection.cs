using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Inventory;

namespace Drydock.Packages.Apt.Trust;

/// <summary>
/// Picks the keys that may sign a source, as apt 2.6 does: the keyrings and fingerprints its
/// Signed-By names, else <c>/etc/apt/trusted.gpg</c> and <c>/etc/apt/trusted.gpg.d/*.gpg|*.asc</c>
/// plus any extra keyrings the caller trusts. Keyring directories such as
/// <c>/usr/share/keyrings</c> are never read as a whole.
/// </summary>
internal sealed class KeySelection
{
    private const string TrustedDirectory = "/etc/apt/trusted.gpg.d";

    private readonly IRootFileSystem? _root;
    private readonly Keyring _extra;
    private Keyring? _defaults;

    public KeySelection(IRootFileSystem? root, Keyring extra)
    {
        _root = root;
        _extra = extra;
    }

    /// <summary>Returns the keyring and fingerprint filter for one source.</summary>
    public (Keyring Keys, IReadOnlyList<string> Fingerprints) For(AptSource source, Func<string, Stream?> keyFiles)
    {
        if (source.SignedBy is not { } signedBy)
        {
            return (Defaults(), []);
        }

        if (signedBy.InlineKey is { } inline)
        {
            return (Keyring.Parse(inline, $"{source.Location} Signed-By"), []);
        }

        var keys = signedBy.KeyringPaths.Count == 0
            ? Defaults()
            : signedBy.KeyringPaths.Select(path => LoadRequired(path, keyFiles, source)).Aggregate((a, b) => a.Concat(b));
        return signedBy.Fingerprints.Count == 0 ? (keys, []) : (keys.Select(signedBy.Fingerprints), signedBy.Fingerprints);
    }

    private Keyring Defaults()
    {
        if (_defaults is not null)
        {
            return _defaults;
        }

        var keys = _extra;
        if (_root is not null)
        {
            var files = new List<string> { "/etc/apt/trusted.gpg" };
            files.AddRange(_root.List(TrustedDirectory).Select(Path.GetFileName).OfType<string>()
                .Where(n => n.EndsWith(".gpg", StringComparison.Ordinal) || n.EndsWith(".asc", StringComparison.Ordinal))
                .Select(n => $"{TrustedDirectory}/{n}"));
            foreach (var file in files)
            {
                using var stream = _root.OpenRead(file);
                if (stream is not null)
                {
                    keys = keys.Concat(Keyring.Load(stream, file));
                }
            }
        }

        return _defaults = keys;
    }

    private static Keyring LoadRequired(string path, Func<string, Stream?> keyFiles, AptSource source)
    {
        using var stream = keyFiles(path)
            ?? throw new FileNotFoundException(
                $"{source.Location}: the Signed-By keyring '{path}' does not exist. Install the key or fix the path.", path);
        return Keyring.Load(stream, path);
    }
}
