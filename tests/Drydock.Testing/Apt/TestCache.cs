namespace Drydock.Testing.Apt;

/// <summary>
/// The cache shared by test runs, <c>~/.cache/drydock-tests/apt</c>, with file locks so
/// parallel test classes do not build the same thing twice.
/// </summary>
public static class TestCache
{
    public static string Root { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "drydock-tests", "apt");

    /// <summary>Takes an exclusive lock on a named lock file; dispose to release it.</summary>
    public static IDisposable Lock(string name)
    {
        Directory.CreateDirectory(Root);
        var path = Path.Combine(Root, name + ".lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                Thread.Sleep(200);
            }
        }
    }
}
