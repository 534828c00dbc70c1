using System.Formats.Tar;
using Drydock.Packages.Maintainer;

namespace Drydock.Images.Build;

internal sealed partial class RootfsAssembler
{
    /// <summary>The commands whose work was done natively, such as <c>ldconfig</c>.</summary>
    public List<string> ScriptsReplaced { get; } = [];

    // Runs the native replacements of update-ca-certificates and ldconfig over the assembled
    // tree and lays what they make, as the maintainer scripts would have.
    private void ApplyMaintainerScripts()
    {
        var nodes = new Dictionary<string, RootNode>(StringComparer.Ordinal);
        foreach (var (path, item) in _items)
        {
            nodes["/" + path] = item.Type switch
            {
                TarEntryType.Directory => new RootNode(RootNodeKind.Directory),
                TarEntryType.SymbolicLink => new RootNode(RootNodeKind.Symlink, item.Target),
                TarEntryType.HardLink =>
                    new RootNode(RootNodeKind.File, Content: _items.GetValueOrDefault(item.Target!)?.Content),
                _ => new RootNode(RootNodeKind.File, Content: item.Content),
            };
        }

        var result = MaintainerScripts.Run(new InMemoryRootTree(nodes), ScriptsReplaced);
        foreach (var change in result.Changes)
        {
            var path = change.Path.TrimStart('/');
            switch (change.Kind)
            {
                case RootChangeKind.Remove:
                    _items.Remove(path);
                    break;
                case RootChangeKind.CreateSymlink:
                    _items[path] = new Item(TarEntryType.SymbolicLink, (UnixFileMode)0b111_111_111, 0, 0, "")
                    {
                        Target = change.LinkTarget,
                    };
                    break;
                default:
                    AddFile(path, change.Content!, "", RootChange.FileMode);
                    break;
            }
        }
    }
}
