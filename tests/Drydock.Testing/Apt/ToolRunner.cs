using System.Diagnostics;

namespace Drydock.Testing.Apt;

/// <summary>Runs the real tools the APT tests build on (gpg, apt-ftparchive, apt-get, chroot).</summary>
public static class ToolRunner
{
    /// <summary>Runs a program to completion and returns its standard output; a non-zero exit raises.</summary>
    public static string Run(
        string program,
        IEnumerable<string> arguments,
        IDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start '{program}'.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{program} {string.Join(' ', start.ArgumentList)}' exited with {process.ExitCode}: {error.Result}");
        }

        return output;
    }

    /// <summary>Returns whether a program is on PATH.</summary>
    public static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}
