using Drydock.Cli.Tests.Registry;

namespace Drydock.Cli.Tests;

public sealed class UsageErrorTests
{
    [Fact]
    public async Task MissingArgument_ExitsTwoWithOneErrorOnStderr()
    {
        var run = await DrydockProcess.RunAsync(["db", "import"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Single(run.Stderr.Split('\n'), line => line.Contains("'import'", StringComparison.Ordinal));
        Assert.Contains("drydock db import --help", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_PointsAtTheRootHelp()
    {
        var run = await DrydockProcess.RunAsync(["frobnicate"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'frobnicate'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("drydock --help", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_GoesToStdout()
    {
        var run = await DrydockProcess.RunAsync(["copy", "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("drydock copy", run.Stdout, StringComparison.Ordinal);
    }
}
