using System.Diagnostics;
using Xunit;

namespace Drydock.Testing.Rootfs;

/// <summary>
/// Real Debian root file systems built by <c>mmdebstrap</c> from the Debian archive, cached under
/// <c>~/.cache/drydock-tests/rootfs</c> so that only the first test run downloads packages.
/// A lock file lets parallel test processes share one build.
/// </summary>
public static class DebianRootfs
{
    private const string Mirror = "http://deb.debian.org/debian";

    private static readonly string _cacheRoot = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "drydock-tests", "rootfs");

    /// <summary>
    /// Returns the directory of a bookworm minbase root file system, building it on first use, or
    /// skips the calling test when mmdebstrap is missing or the build fails.
    /// </summary>
    public static string BookwormMinbase() => Build("bookworm-minbase", "--variant=minbase", "bookworm");

    /// <summary>
    /// Returns the directory of a bookworm minbase root with ca-certificates installed (its
    /// maintainer scripts run), building it on first use, or skips the calling test.
    /// </summary>
    public static string BookwormCaCertificates() =>
        Build("bookworm-ca-certificates", "--variant=minbase", "bookworm", "--include=ca-certificates");

    private static string Build(string name, string variant, string suite, params string[] options)
    {
        var target = Path.Combine(_cacheRoot, name);
        if (File.Exists(Path.Combine(target, "var", "lib", "dpkg", "status")))
        {
            return target;
        }

        Directory.CreateDirectory(_cacheRoot);
        using var guard = AcquireLock(Path.Combine(_cacheRoot, name + ".lock"));
        if (File.Exists(Path.Combine(target, "var", "lib", "dpkg", "status")))
        {
            return target;
        }

        // mmdebstrap writes into a fresh directory that is renamed into place only when complete.
        var building = Path.Combine(_cacheRoot, $"{name}.building-{Environment.ProcessId}");
        if (Directory.Exists(building))
        {
            Directory.Delete(building, recursive: true);
        }

        var (exitCode, errors) = Run(
            "mmdebstrap", ["--quiet", "--mode=root", variant, .. options, suite, building, Mirror]);
        if (exitCode != 0)
        {
            if (Directory.Exists(building))
            {
                Directory.Delete(building, recursive: true);
            }

            Assert.Skip($"mmdebstrap {variant} {suite} failed with exit code {exitCode}: {errors}");
        }

        Directory.Move(building, target);
        return target;
    }

    private static FileStream AcquireLock(string path)
    {
        // A build downloads and unpacks about 90 packages; wait up to half an hour for another one.
        var deadline = DateTime.UtcNow.AddMinutes(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1000);
            }
        }
    }

    /// <summary>Runs a program and returns its exit code and standard error.</summary>
    public static (int ExitCode, string Errors) Run(string program, params string[] arguments)
    {
        var (exitCode, _, errors) = Capture(program, arguments);
        return (exitCode, errors);
    }

    /// <summary>Runs a program, skipping the test when it is not installed, and returns its output.</summary>
    public static (int ExitCode, string Output, string Errors) Capture(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip($"'{program}' is not installed; scripts/install-test-deps installs it.");
            throw;
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, errors.Result);
        }
    }
}
