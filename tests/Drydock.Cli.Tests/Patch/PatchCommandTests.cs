using Drydock.Cli.Commands;
using Drydock.Packages.Apt.Resolver;

namespace Drydock.Cli.Tests.Patch;

/// <summary>The parts of <c>drydock patch</c> that need no image: exit codes and default outputs.</summary>
public sealed class PatchCommandTests
{
    [Fact]
    public void ExitCode_UnsatisfiableIsItsOwn()
    {
        var error = new UnsatisfiableDependencyException(["apt 2.6.2", "libapt-pkg6.0 (>= 2.6.2)"], "Cannot upgrade 'apt'.");

        Assert.Equal(ExitCodes.Unsatisfiable, CommandRunner.ExitCodeOf(error));
        Assert.NotEqual(ExitCodes.Failure, ExitCodes.Unsatisfiable);
    }

    [Theory]
    [InlineData("registry.example/app:1.4", "registry.example/app:1.4-patched")]
    [InlineData("registry.example/app", "registry.example/app:latest-patched")]
    [InlineData("oci:/images/base:12", "oci:/images/base:12-patched")]
    public void DefaultOutput_AddsPatchedTag(string image, string expected)
    {
        Assert.Equal(expected, PatchCommand.DefaultOutput(image));
    }

    [Fact]
    public void DefaultOutput_RejectsArchive()
    {
        var error = Assert.Throws<ArgumentException>(() => PatchCommand.DefaultOutput("docker-archive:/tmp/app.tar"));

        Assert.Contains("/tmp/app.tar", error.Message, StringComparison.Ordinal);
    }
}
