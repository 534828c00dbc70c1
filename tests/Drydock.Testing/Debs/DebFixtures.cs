using System.Diagnostics;
using Xunit;

namespace Drydock.Testing.Debs;

/// <summary>
/// Real Debian packages for tests, downloaded with <c>apt-get download</c> from the machine's
/// configured archive into a shared cache (<c>~/.cache/drydock-tests/debs</c>, or
/// <c>DRYDOCK_TEST_DEB_CACHE</c>). A lock file keeps parallel test processes from downloading
/// the same package twice. Tests skip with a message when apt-get cannot fetch the package.
/// </summary>
public static class DebFixtures
{
    public static string CacheDirectory { get; } = Environment.GetEnvironmentVariable("DRYDOCK_TEST_DEB_CACHE")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "drydock-tests", "debs");

    /// <summary>Returns the path of the cached .deb for a package, downloading it first when needed.</summary>
    public static string Require(string package)
    {
        Directory.CreateDirectory(CacheDirectory);
        using var fileLock = AcquireLock();
        if (Find(package) is { } cached)
        {
            return cached;
        }

        var error = Download(package);
        return Find(package) ?? Skip(package, error);
    }

    private static string? Find(string package) =>
        Directory.GetFiles(CacheDirectory, $"{package}_*.deb").Order(StringComparer.Ordinal).LastOrDefault();

    private static string Download(string package)
    {
        if (!File.Exists("/usr/bin/apt-get"))
        {
            return "apt-get is not installed";
        }

        var start = new ProcessStartInfo("apt-get", ["download", "-q", "-o", "APT::Sandbox::User=root", package])
        {
            WorkingDirectory = CacheDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill();
            return "apt-get download timed out after 5 minutes";
        }

        return $"apt-get download exited with {process.ExitCode}: {stderr.Result.Trim()}";
    }

    private static FileStream AcquireLock()
    {
        var path = Path.Combine(CacheDirectory, ".lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(500);
            }
        }
    }

    private static string Skip(string package, string reason)
    {
        Assert.Skip($"The package '{package}' could not be downloaded ({reason}). Run 'apt-get update' or check the network.");
        return "";
    }
}
