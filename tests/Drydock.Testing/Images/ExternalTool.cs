using System.Diagnostics;
using Xunit;

namespace Drydock.Testing.Images;

/// <summary>Runs the independent tools (skopeo, umoci, mmdebstrap) that tests compare Drydock with.</summary>
public static class ExternalTool
{
    /// <summary>Skips the calling test when a tool is not installed.</summary>
    public static string Require(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Skip($"'{tool}' is not installed; scripts/install-test-deps installs it.");
        return tool;
    }

    /// <summary>Runs a tool to completion and returns its standard output, failing on a non-zero exit.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var path = Require(tool);
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{tool} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {error.Result}");
        }

        return output;
    }
}
