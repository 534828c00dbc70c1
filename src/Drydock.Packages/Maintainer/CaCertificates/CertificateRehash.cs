using System.Globalization;

namespace Drydock.Packages.Maintainer.CaCertificates;

/// <summary>
/// <c>openssl rehash</c> (OpenSSL 3.0, apps/rehash.c) on one directory: every file named
/// *.pem, *.crt, *.cer or *.crl that holds exactly one certificate or CRL gets a link
/// <c>HASH.N</c> (or <c>HASH.rN</c> for a CRL) named after its subject-name hash. Files are
/// taken in strcmp order, so among certificates with the same hash the first name gets .0;
/// existing hash links keep their number when still wanted, and stale ones are removed.
/// </summary>
internal static class CertificateRehash
{
    private const int MaxCollisions = 256;
    private static readonly string[] _extensions = ["pem", "crt", "cer", "crl"];

    public static void Run(CertsDirectory directory, List<MaintainerDiagnostic> diagnostics)
    {
        var buckets = new Dictionary<(bool IsCrl, uint Hash), Bucket>();
        foreach (var name in directory.ChildNames())
        {
            var path = directory.Path + "/" + name;
            if (directory.KindOf(path) == RootNodeKind.Symlink && ParseHashLink(name) is { } link
                && directory.ReadLink(path) is { } target)
            {
                Add(buckets, link.IsCrl, link.Hash, target, null, link.Id, diagnostics, path);
                continue;
            }

            if (ReadObject(directory, path, name, diagnostics) is { } hashed)
            {
                Add(buckets, hashed.IsCrl, hashed.NameHash, name, hashed.Digest, ushort.MaxValue,
                    diagnostics, path);
            }
        }

        foreach (var ((isCrl, hash), bucket) in buckets)
        {
            Relink(directory, isCrl, hash, bucket);
        }
    }

    private static HashedObject? ReadObject(
        CertsDirectory directory, string path, string name, List<MaintainerDiagnostic> diagnostics)
    {
        var dot = name.LastIndexOf('.');
        if (dot < 0 || !_extensions.Contains(name[(dot + 1)..], StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        if (directory.ReadFile(path) is not { } content)
        {
            diagnostics.Add(new MaintainerDiagnostic(path, "The file cannot be opened, so it gets no hash link."));
            return null;
        }

        var hashed = HashedObject.Read(content, out var reason);
        if (hashed is null && reason is not null)
        {
            diagnostics.Add(new MaintainerDiagnostic(path, $"The file gets no hash link because {reason}."));
        }

        return hashed;
    }

    // add_entry: a file whose digest is already in the bucket is a duplicate and is skipped; an
    // existing link with the same target name is merged with the file it points to.
    private static void Add(
        Dictionary<(bool, uint), Bucket> buckets,
        bool isCrl,
        uint hash,
        string fileName,
        byte[]? digest,
        ushort oldId,
        List<MaintainerDiagnostic> diagnostics,
        string path)
    {
        if (!buckets.TryGetValue((isCrl, hash), out var bucket))
        {
            buckets[(isCrl, hash)] = bucket = new Bucket();
        }

        Entry? found = null;
        foreach (var entry in bucket.Entries)
        {
            if (digest is not null && entry.Digest is not null && digest.AsSpan().SequenceEqual(entry.Digest))
            {
                diagnostics.Add(new MaintainerDiagnostic(
                    path, "The certificate duplicates another one and gets no hash link."));
                return;
            }

            if (entry.FileName == fileName)
            {
                found = entry;
                if (digest is null)
                {
                    break;
                }
            }
        }

        if (found is null)
        {
            if (bucket.Needed >= MaxCollisions)
            {
                diagnostics.Add(new MaintainerDiagnostic(
                    path, $"More than '{MaxCollisions}' files share its hash, so it gets no link."));
                return;
            }

            found = new Entry(fileName);
            bucket.Entries.Add(found);
        }

        found.OldId = Math.Min(found.OldId, oldId);
        if (digest is not null && !found.NeedsLink)
        {
            found.NeedsLink = true;
            found.Digest = digest;
            bucket.Needed++;
        }
    }

    private static void Relink(CertsDirectory directory, bool isCrl, uint hash, Bucket bucket)
    {
        var suffix = isCrl ? "r" : "";
        var used = new HashSet<int>(bucket.Entries.Where(e => e.OldId < bucket.Needed).Select(e => (int)e.OldId));
        var nextId = 0;
        foreach (var entry in bucket.Entries)
        {
            if (entry.OldId < bucket.Needed)
            {
                continue;
            }

            if (entry.NeedsLink)
            {
                while (used.Contains(nextId))
                {
                    nextId++;
                }

                directory.SetLink($"{directory.Path}/{hash:x8}.{suffix}{nextId}", entry.FileName);
                used.Add(nextId);
            }
            else
            {
                directory.Remove($"{directory.Path}/{hash:x8}.{suffix}{entry.OldId}");
            }
        }
    }

    // handle_symlink: eight hex digits, a dot, an optional 'r' and a decimal number that
    // strtoul(3) reads to the end of the name (an empty number reads as 0).
    private static (bool IsCrl, uint Hash, ushort Id)? ParseHashLink(string name)
    {
        if (name.Length < 9 || name[8] != '.'
            || !uint.TryParse(name.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, null, out var hash))
        {
            return null;
        }

        var rest = name.AsSpan(9);
        var isCrl = rest.Length > 0 && rest[0] is 'r' or 'R';
        if (isCrl)
        {
            rest = rest[1..];
        }

        ulong id = 0;
        foreach (var c in rest)
        {
            if (c is < '0' or > '9')
            {
                return null;
            }

            id = id > ulong.MaxValue / 10 ? ulong.MaxValue : (id * 10) + (ulong)(c - '0');
        }

        // rehash keeps the number in an unsigned short.
        return (isCrl, hash, unchecked((ushort)id));
    }

    private sealed class Bucket
    {
        public List<Entry> Entries { get; } = [];

        public int Needed { get; set; }
    }

    private sealed class Entry(string fileName)
    {
        public string FileName { get; } = fileName;

        public ushort OldId { get; set; } = ushort.MaxValue;

        public bool NeedsLink { get; set; }

        public byte[]? Digest { get; set; }
    }
}
