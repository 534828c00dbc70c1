using System.Diagnostics;

namespace Drydock.Cli.Tests.Registry;

/// <summary>The result of one run of the drydock program.</summary>
internal sealed record DrydockRun(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the built drydock program as a child process, as a user would.</summary>
internal static class DrydockProcess
{
    public static async Task<DrydockRun> RunAsync(
        IReadOnlyList<string> arguments, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "drydock.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new DrydockRun(process.ExitCode, await stdout, await stderr);
    }
}
