using System.CommandLine;
using Drydock.Images.Build;

namespace Drydock.Cli.Commands;

/// <summary><c>drydock lock SPEC</c>: resolves a build spec and writes <c>SPEC.lock.json</c> beside it.</summary>
internal static class LockCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("SPEC") { Description = "The build spec (YAML), see docs/build-spec.md." };

        // TODO: '--update' is the only mode: every lock resolves the newest candidates again.
        var command = new Command("lock", "Resolve a build spec's packages and write SPEC.lock.json.") { spec };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var path = parseResult.GetValue(spec)!;
            var buildSpec = BuildSpecReader.ReadFile(path);
            using var http = new HttpClient();
            var buildLock = await PackageLocker.LockAsync(
                buildSpec, http, context.LoggerFactory.CreateLogger("Drydock.Images.Build"), cancellationToken);
            var lockPath = BuildLock.PathFor(path);
            buildLock.Write(lockPath);
            await context.Stdout.WriteLineAsync($"{lockPath} ({buildLock.Packages.Count} packages)");
            return ExitCodes.Success;
        });
        return command;
    }
}
