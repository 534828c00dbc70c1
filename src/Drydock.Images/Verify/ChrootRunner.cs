using System.Diagnostics;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;

namespace Drydock.Images.Verify;

/// <summary>
/// Runs a shell command inside an image: unpacks its root file system into a temporary
/// directory, mounts <c>/proc</c>, a read-only <c>/sys</c> and a minimal <c>/dev</c> there in a
/// private mount namespace, runs <c>chroot DIR /bin/sh -c COMMAND</c> with the image's
/// environment, and deletes the directory afterwards.
/// </summary>
/// <remarks>
/// The mounts are made by <c>unshare --mount --propagation private</c> (util-linux), so they
/// exist only in a namespace whose last process is the command. They never appear in the
/// caller's mount table and disappear with the namespace however the command ends, which an
/// unmount in a <c>finally</c> block could not promise when the process is killed. The new PID
/// namespace makes <c>/proc</c> show the command's own processes, and <c>--kill-child</c> ends
/// them all when unshare itself is killed.
/// </remarks>
internal static class ChrootRunner
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // Runs with the host's tools, then replaces itself with the chroot. The device numbers are
    // fixed by Linux for these character devices and match the host's own /dev.
    private const string MountScript = """
        set -eu
        root=$1
        command=$2
        image_path=$PATH
        PATH=/usr/sbin:/usr/bin:/sbin:/bin
        mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
        mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
        mount -t tmpfs -o nosuid,noexec,mode=0755,size=1m tmpfs "$root/dev"
        mknod -m 0666 "$root/dev/null" c 1 3
        mknod -m 0666 "$root/dev/zero" c 1 5
        mknod -m 0666 "$root/dev/random" c 1 8
        mknod -m 0666 "$root/dev/urandom" c 1 9
        mknod -m 0666 "$root/dev/tty" c 5 0
        ln -s /proc/self/fd "$root/dev/fd"
        ln -s /proc/self/fd/0 "$root/dev/stdin"
        ln -s /proc/self/fd/1 "$root/dev/stdout"
        ln -s /proc/self/fd/2 "$root/dev/stderr"
        chroot=$(command -v chroot)
        PATH=$image_path
        exec "$chroot" "$root" /bin/sh -c "$command"
        """;

    private static readonly string[] _mountPoints = ["proc", "sys", "dev"];

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
                "--run needs root, because chroot(2) and mount(2) are reserved to root. Run drydock verify "
                + "as root, or leave out --run.");
        }
    }

    /// <exception cref="IOException">
    /// The image's <c>/proc</c>, <c>/sys</c> or <c>/dev</c> is not a directory, or unshare could not start.
    /// </exception>
    public static async Task<ChrootRunResult> RunAsync(
        ResolvedImage image, string command, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("drydock-verify-run-").FullName;
        try
        {
            var root = Path.Combine(directory, "root");
            await new RootfsUnpacker().UnpackAsync(image, root, cancellationToken).ConfigureAwait(false);
            PrepareMountPoints(root);
            using var process = Process.Start(StartInfo(image, root, command))
                ?? throw new IOException($"Could not start 'unshare' to run '{command}'.");
            return await WaitAsync(process, command, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // A symlink here would send the mount outside the root, so anything but a directory is rejected.
    private static void PrepareMountPoints(string root)
    {
        foreach (var name in _mountPoints)
        {
            var path = Path.Combine(root, name);
            FileAttributes attributes;
            try
            {
                attributes = File.GetAttributes(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                Directory.CreateDirectory(path);
                continue;
            }

            if (!attributes.HasFlag(FileAttributes.Directory) || attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                throw new IOException(
                    $"The image's '/{name}' is not a directory, so --run cannot mount '{name}' there. "
                    + "Verify the image without --run.");
            }
        }
    }

    private static ProcessStartInfo StartInfo(ResolvedImage image, string root, string command)
    {
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child",
            "--", "/bin/sh", "-c", MountScript, "drydock-verify-run", root, command,
        ];
        foreach (var argument in arguments)
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

        return start;
    }

    // On cancellation the whole tree is killed and reaped before the directory is deleted.
    private static async Task<ChrootRunResult> WaitAsync(
        Process process, string command, CancellationToken cancellationToken)
    {
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return new ChrootRunResult(command, process.ExitCode, await output.ConfigureAwait(false),
            await errors.ConfigureAwait(false));
    }
}
