using System.Diagnostics;
using Drydock.Testing.Images;
using Xunit;

namespace Drydock.Testing.Rootfs;

/// <summary>
/// Real Debian root file systems built by <c>mmdebstrap</c> from the Debian archive, cached under
/// <c>~/.cache/drydock-tests/rootfs</c> so that only the first test run downloads packages.
/// </summary>
public static class DebianRootfs
{
    private static readonly string _cacheRoot = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "drydock-tests", "rootfs");

    /// <summary>
    /// Returns the directory of a bookworm minbase root file system, building it on first use, or
    /// skips the calling test when mmdebstrap is missing or the build fails.
    /// </summary>
    public static string BookwormMinbase() => Build("bookworm-minbase", new DebianRootSpec());

    /// <summary>
    /// Returns the directory of a bookworm minbase root with ca-certificates installed (its
    /// maintainer scripts run), building it on first use, or skips the calling test.
    /// </summary>
    public static string BookwormCaCertificates() =>
        Build("bookworm-ca-certificates", new DebianRootSpec { Include = ["ca-certificates"] });

    private static string Build(string name, DebianRootSpec spec)
    {
        // A failed build skips the test, as a missing tool does, because these roots only serve
        // as input data.
        try
        {
            return Mmdebstrap.Build(Path.Combine(_cacheRoot, name), spec);
        }
        catch (InvalidOperationException e)
        {
            Assert.Skip(e.Message);
            throw;
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
