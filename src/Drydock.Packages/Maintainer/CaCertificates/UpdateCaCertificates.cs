using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Packages.Maintainer.CaCertificates;

/// <summary>
/// Makes natively what <c>update-ca-certificates --fresh</c> (Debian ca-certificates 20230311)
/// and the <c>openssl rehash</c> it calls make: the bundle
/// <c>/etc/ssl/certs/ca-certificates.crt</c>, a <c>NAME.pem</c> link for every selected
/// certificate and the subject-hash links. Certificates are those listed in
/// <c>/etc/ca-certificates.conf</c> (a line starting with <c>!</c> deselects one) and every
/// <c>*.crt</c> under <c>/usr/local/share/ca-certificates</c>.
/// </summary>
/// <remarks>
/// Like the script, a file that is not a valid certificate still goes into the bundle and gets
/// its <c>NAME.pem</c> link; it only gets no hash link, and a diagnostic names it.
/// NOTE: the hooks in /etc/ca-certificates/update.d (such as ca-certificates-java's) are not
/// run, so a Java trust store is not updated.
/// </remarks>
internal static partial class UpdateCaCertificates
{
    public const string ConfigPath = "/etc/ca-certificates.conf";
    public const string CertsDirectory = "/usr/share/ca-certificates";
    public const string LocalCertsDirectory = "/usr/local/share/ca-certificates";
    public const string EtcCertsDirectory = "/etc/ssl/certs";
    public const string BundlePath = EtcCertsDirectory + "/ca-certificates.crt";

    /// <summary>Computes the changes the script would make to the root.</summary>
    public static MaintainerResult Run(IRootTree root, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var diagnostics = new List<MaintainerDiagnostic>();
        var etc = new CertsDirectory(root, EtcCertsDirectory);
        ClearLinks(etc);

        var config = ReadConfig(root);
        var removed = 0;
        foreach (var line in config.Where(l => l.StartsWith('!')).Select(l => ReadWord(l[1..])))
        {
            // The script builds this name without the character replacements that add() makes.
            var pem = $"{EtcCertsDirectory}/{BaseName(line)}.pem";
            if (etc.KindOf(pem) == RootNodeKind.Symlink)
            {
                etc.Remove(pem);
                removed++;
            }
        }

        var bundle = new MemoryStream();
        var added = 0;
        var bundled = 0;
        foreach (var certificate in SelectedCertificates(root, config, diagnostics))
        {
            added += Add(etc, certificate, bundle) ? 1 : 0;
            bundled++;
        }

        if (added > 0 || removed > 0)
        {
            RemoveOrphans(etc);
            CertificateRehash.Run(etc, diagnostics);
        }

        var changes = etc.Changes().ToList();
        // With no certificate at all the script leaves the old bundle in place.
        if (bundled > 0)
        {
            changes.RemoveAll(c => c.Path == BundlePath);
            changes.Add(RootChange.File(BundlePath, bundle.ToArray()));
        }

        foreach (var diagnostic in diagnostics)
        {
            LogDiagnostic(logger, diagnostic.Path, diagnostic.Message);
        }

        return new MaintainerResult(changes, diagnostics);
    }

    // --fresh: drop the links into the certificate directories, then every link that does not
    // lead to a regular file.
    private static void ClearLinks(CertsDirectory etc)
    {
        foreach (var link in etc.Symlinks())
        {
            var target = etc.ReadLink(link)!;
            if (target.StartsWith(CertsDirectory, StringComparison.Ordinal)
                || target.StartsWith(LocalCertsDirectory, StringComparison.Ordinal))
            {
                etc.Remove(link);
            }
        }

        foreach (var link in etc.Symlinks().Where(l => etc.Follow(l) != RootNodeKind.File))
        {
            etc.Remove(link);
        }
    }

    private static void RemoveOrphans(CertsDirectory etc)
    {
        foreach (var link in etc.Symlinks().Where(l => etc.Follow(l) is null))
        {
            etc.Remove(link);
        }
    }

    // add(): link NAME.pem to the certificate unless it already does, and append the file to the
    // bundle with a final newline added when missing (sed -e '$a\').
    private static bool Add(CertsDirectory etc, Certificate certificate, MemoryStream bundle)
    {
        var name = BaseName(certificate.Path).Replace(' ', '_').Replace('(', '=').Replace(')', '=').Replace(',', '_');
        var pem = $"{EtcCertsDirectory}/{name}.pem";
        var linked = etc.Follow(pem) is not null && etc.ReadLink(pem) == certificate.Path;
        if (!linked)
        {
            etc.SetLink(pem, certificate.Path);
        }

        bundle.Write(certificate.Content);
        if (certificate.Content.Length > 0 && certificate.Content[^1] != '\n')
        {
            bundle.WriteByte((byte)'\n');
        }

        return !linked;
    }

    private static IEnumerable<Certificate> SelectedCertificates(
        IRootTree root, List<string> config, List<MaintainerDiagnostic> diagnostics)
    {
        foreach (var line in config.Where(l => !l.StartsWith('#') && !l.StartsWith('!')))
        {
            var path = $"{CertsDirectory}/{ReadWord(line)}";
            if (ReadRegularFile(root, path) is { } content)
            {
                yield return new Certificate(path, content);
            }
            else
            {
                diagnostics.Add(new MaintainerDiagnostic(path, $"The certificate is listed in '{ConfigPath}' but not found."));
            }
        }

        var local = new List<string>();
        FindCertificates(root, LocalCertsDirectory, local, depth: 0);
        local.Sort(Utf8Ordinal.Instance);
        foreach (var path in local)
        {
            if (ReadRegularFile(root, path) is { } content)
            {
                yield return new Certificate(path, content);
            }
        }
    }

    // find -L DIR -type f -name '*.crt': links are followed, so a linked directory is walked too.
    private static void FindCertificates(IRootTree root, string directory, List<string> found, int depth)
    {
        if (depth > 40)
        {
            return;
        }

        foreach (var child in root.List(directory))
        {
            var kind = FollowKind(root, child);
            if (kind == RootNodeKind.Directory)
            {
                FindCertificates(root, child, found, depth + 1);
            }
            else if (kind == RootNodeKind.File && child.EndsWith(".crt", StringComparison.Ordinal))
            {
                found.Add(child);
            }
        }
    }

    private static RootNodeKind? FollowKind(IRootTree root, string path) =>
        root.ResolvePath(path) is { } resolved ? root.KindOf(resolved) : null;

    private static byte[]? ReadRegularFile(IRootTree root, string path)
    {
        if (FollowKind(root, path) != RootNodeKind.File)
        {
            return null;
        }

        using var stream = root.OpenRead(path);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    // The script feeds the file through sed, which drops empty lines, to `while read`.
    private static List<string> ReadConfig(IRootTree root)
    {
        using var stream = root.OpenRead(ConfigPath);
        if (stream is null)
        {
            return [];
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Split('\n').Where(line => line.Length > 0).ToList();
    }

    // `read` without -r: backslash escapes the next character, and leading and trailing blanks
    // (the default IFS) are stripped.
    private static string ReadWord(string line)
    {
        var word = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                i++;
            }

            word.Append(line[i]);
        }

        return word.ToString().Trim(' ', '\t');
    }

    // basename PATH .crt
    private static string BaseName(string path)
    {
        var name = path.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return name.EndsWith(".crt", StringComparison.Ordinal) && name.Length > 4 ? name[..^4] : name;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "update-ca-certificates: {Path}: {Reason}")]
    private static partial void LogDiagnostic(ILogger logger, string path, string reason);

    private sealed record Certificate(string Path, byte[] Content);
}
