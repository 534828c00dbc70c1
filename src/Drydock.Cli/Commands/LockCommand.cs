using System.CommandLine;
using Drydock.Images.Build;
using Drydock.Oci.Net;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock lock SPEC [--update]</c>: resolves a build spec and writes <c>SPEC.lock.json</c>
/// beside it, keeping a lock that still matches the spec unless asked to update.
/// </summary>
internal static class LockCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("SPEC") { Description = "The build spec (YAML), see docs/build-spec.md." };
        var update = new Option<bool>("--update")
        {
            Description = "Resolve again and move every package to the newest candidate, even when "
                + "the lock still matches the spec.",
        };
        var command = new Command("lock", "Resolve a build spec's packages and write SPEC.lock.json.") { spec, update };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var path = parseResult.GetValue(spec)!;
            var buildSpec = BuildSpecFile.Read(path);
            using var http = GuardedHttp.Create();
            var (buildLock, changed) = await PackageLocker.WriteLockFileAsync(buildSpec, http,
                parseResult.GetValue(update), context.LoggerFactory.CreateLogger("Drydock.Images.Build"),
                cancellationToken);
            var state = changed ? "written" : "unchanged";
            await context.Stdout.WriteLineAsync(
                $"{BuildLock.PathFor(path)} ({buildLock.Packages.Count} packages, {state})");
            return ExitCodes.Success;
        });
        return command;
    }
}
