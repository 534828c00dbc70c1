using System.Diagnostics;
using Xunit;

namespace Drydock.Testing.Registry;

/// <summary>Runs skopeo as an independent reader and writer of images.</summary>
public static class Skopeo
{
    private const string Executable = "/usr/bin/skopeo";

    /// <summary>
    /// Runs skopeo with <c>--insecure-policy</c> and returns its standard output; skips the test
    /// when skopeo is not installed and throws with its error output when it fails.
    /// </summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        if (!File.Exists(Executable))
        {
            Assert.Skip($"'{Executable}' not found: install the Debian package skopeo.");
        }

        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--insecure-policy");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"skopeo {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}");
        }

        return await output.ConfigureAwait(false);
    }

    /// <summary>Pushes an OCI layout image to a plain-HTTP registry.</summary>
    public static Task PushAsync(TinyImage image, string destination, params string[] extra) =>
        RunAsync(["copy", "--all", "--dest-tls-verify=false", .. extra, image.SkopeoLocation, "docker://" + destination]);
}
