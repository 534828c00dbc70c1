using System.CommandLine;
using System.Net;
using Drydock.Oci;
using Drydock.Oci.Registry;
using Drydock.Packages.Apt.Resolver;

namespace Drydock.Cli;

/// <summary>Exit codes of every drydock command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: I/O, corrupt data, a registry error.</summary>
    public const int Failure = 1;

    /// <summary>The command line, a value on it or a build spec is invalid.</summary>
    public const int Usage = 2;

    /// <summary>The image, tag, platform, file or directory does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>The registry refused the credentials or lacks permission.</summary>
    public const int Unauthorized = 4;

    /// <summary>
    /// The packages requested cannot be installed together: a dependency is missing or
    /// conflicts. Codes 5 and 6 belong to <c>drydock scan</c>, 8 to <c>drydock verify</c>
    /// and 100 to <c>drydock updates</c>.
    /// </summary>
    public const int Unsatisfiable = 7;

    /// <summary>Interrupted, as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>
/// Runs a command's action with a <see cref="CliContext"/> and turns any exception into an exit
/// code and one line on standard error, so every command fails the same way.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Sets <paramref name="action"/> as the command's action.</summary>
    public static void SetAction(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var context = CliContext.FromConsole(parseResult.GetValue(GlobalOptions.Verbose));
            return await RunAsync(parseResult, context, action, cancellationToken);
        });
    }

    /// <summary>Runs an action, printing a failure as <c>drydock: error: MESSAGE</c>.</summary>
    public static async Task<int> RunAsync(
        ParseResult parseResult,
        CliContext context,
        Func<ParseResult, CliContext, CancellationToken, Task<int>> action,
        CancellationToken cancellationToken)
    {
        try
        {
            return await action(parseResult, context, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Stderr.WriteLineAsync("drydock: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (ExitCodeOf(e) is { } code)
        {
            await context.Stderr.WriteLineAsync("drydock: error: " + OneLine(e.Message));
            if (parseResult.GetValue(GlobalOptions.Verbose))
            {
                await context.Stderr.WriteLineAsync(e.ToString());
            }

            return code;
        }
    }

    /// <summary>The exit code for an expected failure, or null for a bug that should crash loudly.</summary>
    public static int? ExitCodeOf(Exception exception) => exception switch
    {
        RegistryException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } =>
            ExitCodes.Unauthorized,
        RegistryException { StatusCode: HttpStatusCode.NotFound } => ExitCodes.NotFound,
        UnsatisfiableDependencyException => ExitCodes.Unsatisfiable,
        FileNotFoundException or DirectoryNotFoundException or KeyNotFoundException => ExitCodes.NotFound,
        FormatException or ArgumentException => ExitCodes.Usage,
        NotSupportedException => ExitCodes.Usage,
        DigestMismatchException or InvalidDataException or IOException or HttpRequestException
            or UnauthorizedAccessException or InvalidOperationException => ExitCodes.Failure,
        _ => null,
    };

    private static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}
