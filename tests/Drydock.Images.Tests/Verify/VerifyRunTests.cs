using Drydock.Images.Tests.Patch;
using Drydock.Images.Verify;
using Drydock.Oci.Transports;

namespace Drydock.Images.Tests.Verify;

/// <summary>
/// <c>--run</c> on the patch test image, which has the openssl binary. Every test ends by
/// checking that no mount under a run directory is left in this process's mount table.
/// </summary>
public sealed class VerifyRunTests(PatchFixture fixture) : IClassFixture<PatchFixture>
{
    private const string RunDirectoryPrefix = "drydock-verify-run-";

    [Fact]
    public async Task Run_PrintsOpensslVersion()
    {
        fixture.Require();

        var report = await VerifyAsync("openssl version", TestContext.Current.CancellationToken);

        Assert.NotNull(report.Run);
        Assert.Equal(0, report.Run.ExitCode);
        Assert.StartsWith("OpenSSL 3.0.", report.Run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Problems, p => p.Kind == VerifyProblemKind.ChecksumMismatch);
        Assert.DoesNotContain(report.Problems, p => p.Kind == VerifyProblemKind.UnmetDependency);
        AssertNoMountsLeft();
    }

    [Fact]
    public async Task Run_ReadsProcSelfStatus()
    {
        fixture.Require();

        var report = await VerifyAsync("cat /proc/self/status", TestContext.Current.CancellationToken);

        Assert.NotNull(report.Run);
        Assert.Equal("", report.Run.Errors);
        Assert.Equal(0, report.Run.ExitCode);
        Assert.Contains("Name:\tcat\n", report.Run.Output, StringComparison.Ordinal);
        Assert.Contains("\nPid:\t", report.Run.Output, StringComparison.Ordinal);
        AssertNoMountsLeft();
    }

    [Fact]
    public async Task Run_ReadsDevUrandom()
    {
        fixture.Require();

        var report = await VerifyAsync("head -c1 /dev/urandom | wc -c", TestContext.Current.CancellationToken);

        Assert.NotNull(report.Run);
        Assert.Equal("", report.Run.Errors);
        Assert.Equal(0, report.Run.ExitCode);
        Assert.Equal("1", report.Run.Output.Trim());
        AssertNoMountsLeft();
    }

    [Fact]
    public async Task Run_SeesMinimalDevAndReadOnlySys()
    {
        fixture.Require();
        const string Command = "ls /dev; echo x > /dev/null && head -c4 /dev/zero | wc -c; "
            + "test -r /sys/kernel/mm && ! touch /sys/drydock 2>/dev/null && echo sys-read-only";

        var report = await VerifyAsync(Command, TestContext.Current.CancellationToken);

        Assert.NotNull(report.Run);
        Assert.Equal(0, report.Run.ExitCode);
        var lines = report.Run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["fd", "null", "random", "stderr", "stdin", "stdout", "tty", "urandom", "zero", "4", "sys-read-only"],
            lines);
        AssertNoMountsLeft();
    }

    [Fact]
    public async Task Run_FailingCommandLeavesNoMount()
    {
        fixture.Require();

        const string Command = "cat /proc/self/status > /dev/null; exit 3";

        var report = await VerifyAsync(Command, TestContext.Current.CancellationToken);

        Assert.NotNull(report.Run);
        Assert.Equal(3, report.Run.ExitCode);
        AssertNoMountsLeft();
    }

    [Fact]
    public async Task Run_CancelledKillsCommandAndLeavesNoMount()
    {
        fixture.Require();
        var marker = $"drydock-cancel-{Guid.NewGuid():N}";
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = VerifyAsync($"touch /tmp/{marker}; exec sleep 600", cancellation.Token);
        var started = await WaitForMarkerAsync(marker, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(started, File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.Contains(ProcessRoots(), root => root.StartsWith(started, StringComparison.Ordinal));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.False(Directory.Exists(started));
        Assert.DoesNotContain(ProcessRoots(), root => root.StartsWith(started, StringComparison.Ordinal));
        AssertNoMountsLeft();
    }

    private async Task<VerifyReport> VerifyAsync(string command, CancellationToken cancellationToken)
    {
        await using var source = ImageTransports.OpenSource(fixture.Image, fixture.Options);
        var options = new VerifyOptions { RunCommand = command };
        return await new ImageVerifier().VerifyAsync(source, options, cancellationToken);
    }

    // Returns the run directory once the command has created its marker in the image's /tmp.
    private static async Task<string> WaitForMarkerAsync(string marker, CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), RunDirectoryPrefix + "*"))
            {
                if (File.Exists(Path.Combine(directory, "root", "tmp", marker)))
                {
                    return directory;
                }
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    // The root directory of every process, which for the chrooted command is in the run directory.
    private static IEnumerable<string> ProcessRoots()
    {
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            string? root;
            try
            {
                root = new DirectoryInfo(Path.Combine(directory, "root")).LinkTarget;
            }
            catch (IOException)
            {
                continue;
            }

            if (root is not null)
            {
                yield return root;
            }
        }
    }

    private static void AssertNoMountsLeft() =>
        Assert.DoesNotContain(RunDirectoryPrefix, File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
}
