using Drydock.Cli.Commands;
using Drydock.Cli.Tests.Registry;
using Drydock.Oci.References;

namespace Drydock.Cli.Tests.Build;

public sealed class BuildCommandTests
{
    [Theory]
    [InlineData("OciArchive", "oci-archive:/out/image.tar:v1", 1, "/out/image.tar.cdx.json")]
    [InlineData("DockerArchive", "docker-archive:/out/image.tar", 1, "/out/image.tar.cdx.json")]
    [InlineData("SeveralArchitectures", "oci-archive:/out/image.tar", 2, "/out/image.tar.arm64.cdx.json")]
    [InlineData("Layout", "oci:/out/layout:v1", 1, null)]
    [InlineData("LayoutUntagged", "oci:/out/layout", 1, null)]
    public void SidePath_OnlyBesideArchives(string name, string output, int images, string? expected)
    {
        _ = name;

        var path = BuildCommand.SidePath(TransportReference.Parse(output), "arm64", images, "cdx.json");

        Assert.Equal(expected, path);
    }

    [Theory]
    [InlineData("Build", "build")]
    [InlineData("Lock", "lock")]
    public async Task MalformedSpec_ExitsTwoAndWritesNothing(string name, string command)
    {
        _ = name;
        var directory = Directory.CreateTempSubdirectory("drydock-build-cli-").FullName;
        try
        {
            var spec = Path.Combine(directory, "evil.yaml");
            await File.WriteAllTextAsync(spec,
                "release: bookworm\npackages: [libc6]\nusers: [{name: \"evil:x:0:0::/:/bin/sh\\nx\", uid: 5}]\n",
                TestContext.Current.CancellationToken);
            var output = Path.Combine(directory, "out");

            string[] arguments = command == "build" ? [command, spec, "-o", "oci:" + output] : [command, spec];

            var run = await DrydockProcess.RunAsync(arguments);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("'name'", run.Stderr, StringComparison.Ordinal);
            Assert.Equal(["evil.yaml"], Directory.GetFileSystemEntries(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
