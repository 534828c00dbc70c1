using System.CommandLine;
using Drydock.Cli.Commands;

namespace Drydock.Cli;

/// <summary>
/// The root of the <c>drydock</c> command line. Each sub-command lives in its own file under
/// Commands/ and is added here.
/// </summary>
internal static class DrydockCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(
            "Drydock keeps container base images patched: it reads images from registries and "
            + "files, finds their OS packages, matches them against distribution advisories and "
            + "writes patched or rebuilt images, with no container daemon.");
        GlobalOptions.AddTo(root);
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command);
        }

        // Set explicitly: without a configuration, InvokeAsync leaves SIGINT and SIGTERM to their
        // default action, which kills the process before it can remove its temporary files.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(2) };
        return await root.Parse(args).InvokeAsync(invocation);
    }

    private static IEnumerable<Command> Commands()
    {
        yield return CopyCommand.Create();
        yield return InspectCommand.Create();
        yield return UnpackCommand.Create();
        yield return DbCommand.Create();
        yield return SbomCommand.Create();
        yield return PatchCommand.Create();
        yield return BuildCommand.Create();
        yield return LockCommand.Create();
        yield return ScanCommand.Create();
    }
}
