using System.CommandLine;
using Drydock.Images.Build;
using Drydock.Oci.Cache;

namespace Drydock.Cli.Commands;

/// <summary><c>drydock build SPEC --output DST</c>: builds a minimal image from distribution packages.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("SPEC") { Description = "The build spec (YAML), see docs/build-spec.md." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to write the image: oci:DIR[:TAG], oci-archive:FILE[:TAG], "
                + "docker-archive:FILE[:REF] or a registry reference.",
            Required = true,
        };
        var command = new Command(
            "build", "Build an image from a spec's packages, using SPEC.lock.json when it exists.") { spec, output };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var path = parseResult.GetValue(spec)!;
            var buildSpec = BuildSpecReader.ReadFile(path);
            using var http = new HttpClient();
            var buildLock = await PackageLocker.ForBuildAsync(
                buildSpec, http, context.LoggerFactory.CreateLogger("Drydock.Images.Build"), cancellationToken);
            var options = new BuildOptions
            {
                Http = http,
                CacheRoot = CacheDirectory.Resolve(parseResult.GetValue(GlobalOptions.CacheDir)),
                Transport = GlobalOptions.CreateTransportOptions(parseResult, context),
            };
            var result = await ImageBuilder.BuildAsync(
                buildSpec, buildLock, parseResult.GetValue(output)!, options, cancellationToken);
            await context.Stdout.WriteLineAsync($"{result.Manifest} ({result.Packages.Count} packages)");
            return ExitCodes.Success;
        });
        return command;
    }
}
