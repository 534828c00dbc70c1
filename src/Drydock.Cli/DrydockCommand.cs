using System.CommandLine;
using System.CommandLine.Parsing;
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

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            return ReportUsageErrors(parsed);
        }

        // Set explicitly: without a configuration, InvokeAsync leaves SIGINT and SIGTERM to their
        // default action, which kills the process before it can remove its temporary files.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(2) };
        return await parsed.InvokeAsync(invocation);
    }

    // A mistyped command line gets its errors once on standard error and a pointer to the
    // help, not the whole help text on standard output, where it would pass for a result.
    private static int ReportUsageErrors(ParseResult parsed)
    {
        foreach (var message in parsed.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"drydock: {message}");
        }

        var names = new List<string>();
        for (var result = parsed.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        Console.Error.WriteLine($"Run '{string.Join(' ', names.Prepend("drydock"))} --help' for usage.");
        return ExitCodes.Usage;
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
        yield return UpdatesCommand.Create();
        yield return VerifyCommand.Create();
    }
}
