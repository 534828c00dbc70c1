namespace Drydock.Testing.Images;

/// <summary>
/// Builds a cached fixture file or directory once per machine: under an exclusive lock file
/// (.NET takes flock(2) for FileShare.None on Linux), into a temporary path renamed into place.
/// </summary>
public static class FixtureCache
{
    private static readonly TimeSpan _lockTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Returns <paramref name="path"/>, first running <paramref name="create"/> with a temporary
    /// path when it is absent.
    /// </summary>
    public static string GetOrCreate(string path, Action<string> create)
    {
        if (File.Exists(path) || Directory.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var lockFile = AcquireLock(path + ".lock");
        if (File.Exists(path) || Directory.Exists(path))
        {
            return path;
        }

        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            create(temporary);
            if (Directory.Exists(temporary))
            {
                Directory.Move(temporary, path);
            }
            else
            {
                File.Move(temporary, path);
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
            else if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        return path;
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + _lockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(TimeSpan.FromSeconds(1));
            }
        }
    }
}
