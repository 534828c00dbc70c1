namespace Drydock.Oci.Tests.Registry;

/// <summary>
/// Writes Docker credential helpers as shell scripts into one directory that is put in front
/// of this process's PATH on first use, as Drydock looks helpers up on PATH. Each script
/// saves its standard input in a file and prints a fixed output.
/// </summary>
internal static class CredentialHelperScripts
{
    private static readonly Lazy<string> _directory = new(CreateDirectory);

    /// <summary>Writes a helper and returns its name, the part after <c>docker-credential-</c>.</summary>
    /// <param name="output">What the helper prints on standard output.</param>
    /// <param name="exitCode">The helper's exit code.</param>
    /// <param name="delaySeconds">How long the helper sleeps before it answers.</param>
    /// <param name="stdinFile">Where the helper saves its standard input, given its name.</param>
    public static string Write(string output, int exitCode, int delaySeconds, Func<string, string> stdinFile)
    {
        var name = "drydock-test-" + Guid.NewGuid().ToString("N")[..12];
        var path = Path.Combine(_directory.Value, "docker-credential-" + name);
        var script = $"""
            #!/bin/sh
            [ "$1" = get ] || exit 2
            cat > '{stdinFile(name)}'
            sleep {delaySeconds}
            printf '%s' '{output.Replace("'", "'\\''", StringComparison.Ordinal)}'
            exit {exitCode}

            """;
        File.WriteAllText(path, script.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return name;
    }

    /// <summary>Deletes the helpers named.</summary>
    public static void Remove(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            File.Delete(Path.Combine(_directory.Value, "docker-credential-" + name));
        }
    }

    private static string CreateDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("drydock-credential-helpers-").FullName;
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        Environment.SetEnvironmentVariable("PATH", directory + Path.PathSeparator + path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return directory;
    }
}
