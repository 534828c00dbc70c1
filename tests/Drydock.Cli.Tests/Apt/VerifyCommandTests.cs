using System.Text.Json;
using Drydock.Cli.Tests.Registry;
using Drydock.Testing.Images;

namespace Drydock.Cli.Tests.Apt;

/// <summary><c>drydock verify</c> on the mmdebstrap minbase image.</summary>
public sealed class VerifyCommandTests
{
    [Fact]
    public async Task Verify_JsonReportsCleanImage()
    {
        var run = await DrydockProcess.RunAsync(["verify", Minbase(), "--format", "json"]);

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.True(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Empty(document.RootElement.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Verify_RunExitCodeBecomesDrydocks()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("Running a command in a chroot needs root.");
        }

        var run = await DrydockProcess.RunAsync(["verify", Minbase(), "--run", "cat /etc/debian_version; exit 4"]);

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("'cat /etc/debian_version; exit 4' exited with 4", run.Stdout, StringComparison.Ordinal);
    }

    private static string Minbase() => $"oci:{DebianImages.Layout()}:{DebianImages.MinbaseTag}";
}
