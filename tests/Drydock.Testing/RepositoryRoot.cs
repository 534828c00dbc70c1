namespace Drydock.Testing;

/// <summary>The checkout that the tests run from, found by walking up to Drydock.slnx.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Drydock.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName
            ?? throw new InvalidOperationException("Drydock.slnx not found above " + AppContext.BaseDirectory);
    }
}
