using System.Formats.Tar;
using Drydock.Oci.Layers;
using Drydock.Packages.Maintainer;
using Drydock.Packages.Maintainer.CaCertificates;

namespace Drydock.Images.Patch;

internal sealed partial class PatchLayerPlanner
{
    private const UnixFileMode LinkMode = (UnixFileMode)0b111_111_111;

    private static readonly string[] _certificateDirectories =
        ["usr/share/ca-certificates/", "usr/local/share/ca-certificates/"];

    private bool _caTriggered;
    private bool _caUpgraded;
    private bool _ldconfigTriggered;

    /// <summary>The commands whose work the patch did natively, such as <c>ldconfig</c>.</summary>
    public List<string> ScriptsReplaced { get; } = [];

    /// <summary>Files the native replacements could not use as the scripts would have.</summary>
    public List<MaintainerDiagnostic> ScriptDiagnostics { get; } = [];

    // A certificate written or dropped needs update-ca-certificates. A shared library or the
    // ldconfig configuration needs ldconfig, which the ldconfig trigger of libc-bin would run.
    private void NoteTrigger(string path)
    {
        if (_certificateDirectories.Any(d => path.StartsWith(d, StringComparison.Ordinal)))
        {
            _caTriggered = true;
        }
        else if (ImageSnapshot.IsSharedLibrary(path) || path.StartsWith("etc/ld.so.conf", StringComparison.Ordinal))
        {
            _ldconfigTriggered = true;
        }
    }

    // Runs the native update-ca-certificates and ldconfig over the image as patched and lays what
    // they make, so the new certificates and libraries are found as after a real upgrade.
    private void RunMaintainerScripts()
    {
        if (!_caTriggered && !_ldconfigTriggered)
        {
            return;
        }

        if (_caUpgraded)
        {
            ConfigureCaCertificates();
        }

        var tree = PatchedTree();
        var replaced = new List<string>();
        var result = MaintainerScripts.Run(tree, replaced);
        ScriptsReplaced.AddRange(replaced.Where(command => Triggered(command == "ldconfig")));
        ScriptDiagnostics.AddRange(result.Diagnostics);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in result.Changes.Where(c => Triggered(!IsCertificateChange(c.Path))))
        {
            Apply(tree, change, touched);
        }

        // libc-bin's postinst only runs ldconfig on an upgrade, and ca-certificates' postinst
        // rewrites /etc/ca-certificates.conf and ends in update-ca-certificates; all are done above.
        if (ScriptsReplaced.Contains("update-ca-certificates"))
        {
            ScriptsNotRun.Remove("ca-certificates.postinst");
        }

        if (ScriptsReplaced.Contains("ldconfig"))
        {
            ScriptsNotRun.Remove("libc-bin.postinst");
        }
    }

    // The conf and debconf changes ca-certificates' config script and postinst make before they
    // run update-ca-certificates, so the certificates the new version added are selected.
    private void ConfigureCaCertificates()
    {
        var tree = PatchedTree();
        var result = CaCertificatesPostinst.Configure(tree);
        ScriptDiagnostics.AddRange(result.Diagnostics);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in result.Changes)
        {
            Apply(tree, change, touched);
        }
    }

    private bool Triggered(bool ldconfig) => ldconfig ? _ldconfigTriggered : _caTriggered;

    private static bool IsCertificateChange(string path) =>
        path == UpdateCaCertificates.ConfigPath
        || path.StartsWith(UpdateCaCertificates.EtcCertsDirectory + "/", StringComparison.Ordinal);

    // The change as a layer entry at the path the image's symlinks send it to. A change that
    // leaves the path as the image has it adds nothing, unless an earlier change removed it.
    private void Apply(InMemoryRootTree tree, RootChange change, HashSet<string> touched)
    {
        var path = ResolveParent(change.Path);
        var unchanged = !touched.Add(path) ? false
            : change.Kind == RootChangeKind.CreateSymlink ? tree.ReadLink(change.Path) == change.LinkTarget
            : change.Kind == RootChangeKind.WriteFile && SameContent(tree, change);
        if (unchanged)
        {
            return;
        }

        switch (change.Kind)
        {
            case RootChangeKind.Remove when _image.KindOf(path) is null:
                _items.Remove(path);
                break;
            case RootChangeKind.Remove:
                _items[path] = LayerItem.Whiteout(path, _time);
                break;
            case RootChangeKind.CreateSymlink:
                _items[path] = new LayerItem(path, TarEntryType.SymbolicLink, LinkMode, 0, 0, _time, change.LinkTarget);
                break;
            default:
                _items[path] = LayerItem.File(path, change.Content!, _time) with { Mode = RootChange.FileMode };
                break;
        }
    }

    private static bool SameContent(InMemoryRootTree tree, RootChange change)
    {
        if (tree.KindOf(change.Path) != RootNodeKind.File || tree.OpenRead(change.Path) is not { } stream)
        {
            return false;
        }

        using (stream)
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray().AsSpan().SequenceEqual(change.Content);
        }
    }

    // The image with the planned entries laid over it: new files win and whiteouts remove.
    private InMemoryRootTree PatchedTree()
    {
        var nodes = new Dictionary<string, RootNode>(StringComparer.Ordinal);
        foreach (var (path, kind, linkTarget, content) in _image.Nodes())
        {
            nodes["/" + path] = kind switch
            {
                LayerEntryKind.File or LayerEntryKind.HardLink => new RootNode(RootNodeKind.File, Content: content),
                LayerEntryKind.Directory => new RootNode(RootNodeKind.Directory),
                LayerEntryKind.Symlink => new RootNode(RootNodeKind.Symlink, linkTarget),
                _ => new RootNode(RootNodeKind.Other),
            };
        }

        foreach (var (path, item) in _items)
        {
            if (item.Path != path)
            {
                RemoveTree(nodes, "/" + path);
                continue;
            }

            nodes["/" + path] = item.Type switch
            {
                TarEntryType.Directory => new RootNode(RootNodeKind.Directory),
                TarEntryType.SymbolicLink => new RootNode(RootNodeKind.Symlink, item.LinkTarget),
                TarEntryType.HardLink => new RootNode(RootNodeKind.File, Content: HardLinkContent(item)),
                _ => new RootNode(RootNodeKind.File, Content: item.Content),
            };
        }

        return new InMemoryRootTree(nodes);
    }

    private byte[]? HardLinkContent(LayerItem item) =>
        item.LinkTarget is not { } target ? null
        : _items.TryGetValue(target, out var linked) && linked.Path == target ? linked.Content
        : _image.ReadFile(target);

    private static void RemoveTree(Dictionary<string, RootNode> nodes, string path)
    {
        nodes.Remove(path);
        var prefix = path + "/";
        foreach (var key in nodes.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            nodes.Remove(key);
        }
    }
}
