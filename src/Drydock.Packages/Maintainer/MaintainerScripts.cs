using System.Text;
using Drydock.Packages.Maintainer.CaCertificates;
using Microsoft.Extensions.Logging;

namespace Drydock.Packages.Maintainer;

/// <summary>
/// Runs the native replacements of the maintainer-script work that images need at run time:
/// ca-certificates' postinst (<c>/etc/ca-certificates.conf</c> when missing, then
/// update-ca-certificates) when the root has ca-certificates, and ldconfig when it has a glibc
/// dynamic loader.
/// </summary>
internal static class MaintainerScripts
{
    /// <summary>Returns the changes of every replacement that applies to the root, and their diagnostics.</summary>
    /// <param name="root">The root to read; it is not changed.</param>
    /// <param name="replaced">Receives the names of the commands replaced, such as <c>ldconfig</c>.</param>
    /// <param name="logger">Receives a warning for every diagnostic.</param>
    public static MaintainerResult Run(IRootTree root, List<string> replaced, ILogger? logger = null)
    {
        var changes = new List<RootChange>();
        var diagnostics = new List<MaintainerDiagnostic>();
        if (root.KindOf(UpdateCaCertificates.CertsDirectory) is not null)
        {
            var tree = root;
            if (root.ResolvePath(UpdateCaCertificates.ConfigPath) is null)
            {
                var config = RootChange.File(UpdateCaCertificates.ConfigPath, DefaultConfig(root));
                changes.Add(config);
                tree = new OverlayRootTree(root, config);
            }

            Collect(UpdateCaCertificates.Run(tree, logger), changes, diagnostics);
            replaced.Add("update-ca-certificates");
        }

        if (Ldconfig.Ldconfig.HasDynamicLoader(root))
        {
            Collect(Ldconfig.Ldconfig.Run(root, logger), changes, diagnostics);
            replaced.Add("ldconfig");
        }

        return new MaintainerResult(changes, diagnostics);
    }

    // With debconf's defaults every certificate under /usr/share/ca-certificates is selected,
    // listed by its path below that directory in C order.
    private static byte[] DefaultConfig(IRootTree root)
    {
        var certificates = new List<string>();
        FindCertificates(root, UpdateCaCertificates.CertsDirectory, certificates, depth: 0);
        certificates.Sort(Utf8Ordinal.Instance);
        var prefix = UpdateCaCertificates.CertsDirectory.Length + 1;
        var lines = certificates.Select(c => c[prefix..] + "\n");
        return Encoding.UTF8.GetBytes(CaCertificatesConfRewriter.Header.ReplaceLineEndings("\n") + string.Concat(lines));
    }

    private static void FindCertificates(IRootTree root, string directory, List<string> found, int depth)
    {
        foreach (var child in root.List(directory))
        {
            var kind = root.ResolvePath(child) is { } resolved ? root.KindOf(resolved) : null;
            if (kind == RootNodeKind.Directory && depth < 16)
            {
                FindCertificates(root, child, found, depth + 1);
            }
            else if (kind == RootNodeKind.File && child.EndsWith(".crt", StringComparison.Ordinal))
            {
                found.Add(child);
            }
        }
    }

    private static void Collect(MaintainerResult result, List<RootChange> changes, List<MaintainerDiagnostic> diagnostics)
    {
        changes.AddRange(result.Changes);
        diagnostics.AddRange(result.Diagnostics);
    }

    // The root with one file written over it, so a later step reads what an earlier one wrote.
    private sealed class OverlayRootTree(IRootTree root, RootChange file) : IRootTree
    {
        public Stream? OpenRead(string absolutePath) =>
            absolutePath == file.Path ? new MemoryStream(file.Content!, writable: false) : root.OpenRead(absolutePath);

        public IEnumerable<string> List(string directory) => root.List(directory);

        public string? ResolvePath(string absolutePath) =>
            absolutePath == file.Path ? absolutePath : root.ResolvePath(absolutePath);

        public string? ReadLink(string absolutePath) => root.ReadLink(absolutePath);

        public RootNodeKind? KindOf(string absolutePath) =>
            absolutePath == file.Path ? RootNodeKind.File : root.KindOf(absolutePath);
    }
}
