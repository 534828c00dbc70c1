using System.Diagnostics;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;

namespace Drydock.Images.Verify;

/// <summary>
/// Runs a shell command inside an image: unpacks its root file system into a temporary
/// directory, runs <c>chroot DIR /bin/sh -c COMMAND</c> with the image's environment, and
/// deletes the directory afterwards.
/// </summary>
internal static class ChrootRunner
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <exception cref="PlatformNotSupportedException">Not running on Linux.</exception>
    /// <exception cref="UnauthorizedAccessException">Not running as root, which chroot(2) needs.</exception>
    public static void RequireSupported()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("--run needs Linux, because it runs the command with chroot.");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new UnauthorizedAccessException(
                "--run needs root, because chroot(2) is reserved to root. Run drydock verify as root, "
                + "or leave out --run.");
        }
    }

    // NOTE: /proc, /sys and /dev are not mounted in the chroot, so commands that need them fail.
    public static async Task<ChrootRunResult> RunAsync(
        ResolvedImage image, string command, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("drydock-verify-run-").FullName;
        try
        {
            var root = Path.Combine(directory, "root");
            await new RootfsUnpacker().UnpackAsync(image, root, cancellationToken).ConfigureAwait(false);
            var start = new ProcessStartInfo("chroot")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { root, "/bin/sh", "-c", command })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment.Clear();
            start.Environment["PATH"] = DefaultPath;
            foreach (var variable in image.Config.Config?.Env ?? [])
            {
                var equals = variable.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    start.Environment[variable[..equals]] = variable[(equals + 1)..];
                }
            }

            using var process = Process.Start(start)
                ?? throw new IOException($"Could not start 'chroot' to run '{command}'.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return new ChrootRunResult(command, process.ExitCode, await output.ConfigureAwait(false),
                await errors.ConfigureAwait(false));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
