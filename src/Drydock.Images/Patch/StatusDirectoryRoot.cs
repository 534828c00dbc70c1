using System.Text;
using Drydock.Packages.Inventory;

namespace Drydock.Images.Patch;

/// <summary>
/// The image as the APT client reads it. A distroless image has no <c>/var/lib/dpkg/status</c>,
/// and the client reads only that file, so this view serves the status.d records joined into
/// one status file there; every other path reads through to the image.
/// </summary>
internal sealed class StatusDirectoryRoot(ImageSnapshot image) : IRootFileSystem
{
    private const string StatusPath = "/" + DpkgStatusStore.StatusPath;

    private readonly IRootFileSystem _image = image;

    public Stream? OpenRead(string absolutePath)
    {
        if (_image.OpenRead(absolutePath) is { } stream)
        {
            return stream;
        }

        if (absolutePath != StatusPath)
        {
            return null;
        }

        var joined = new StringBuilder();
        foreach (var file in DpkgStatusStore.StanzaFiles(image))
        {
            joined.Append(Encoding.UTF8.GetString(image.ReadFile(file) ?? []).Trim('\n')).Append("\n\n");
        }

        return joined.Length == 0 ? null : new MemoryStream(Encoding.UTF8.GetBytes(joined.ToString()));
    }

    public IEnumerable<string> List(string directory) => _image.List(directory);

    public string? ResolvePath(string absolutePath) => _image.ResolvePath(absolutePath);
}
