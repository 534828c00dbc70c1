namespace Drydock.Packages.Tests.Inventory;

/// <summary>A root file system in a temporary directory, deleted when the test ends.</summary>
internal sealed class TemporaryRoot : IDisposable
{
    public TemporaryRoot()
    {
        Path = Directory.CreateTempSubdirectory("drydock-root-").FullName;
    }

    public string Path { get; }

    public Drydock.Packages.Inventory.DirectoryRootFileSystem FileSystem => new(Path);

    /// <summary>Copies a file into the root at an absolute path inside it.</summary>
    public TemporaryRoot Copy(string source, string absolutePath) =>
        Write(absolutePath, File.ReadAllBytes(source));

    public TemporaryRoot Write(string absolutePath, byte[] content)
    {
        var target = Host(absolutePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, content);
        return this;
    }

    public TemporaryRoot Write(string absolutePath, string content) =>
        Write(absolutePath, System.Text.Encoding.UTF8.GetBytes(content));

    public TemporaryRoot Link(string absolutePath, string target)
    {
        var link = Host(absolutePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, target);
        return this;
    }

    public string Host(string absolutePath) => Path + absolutePath;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
