using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Drydock.Oci.Registry;

/// <summary>
/// Runs a Docker credential helper, <c>docker-credential-NAME get</c>, as the protocol of
/// docker/docker-credential-helpers (v0.8.0, client/client.go) defines it: the server address
/// on standard input, and <c>{"ServerURL", "Username", "Secret"}</c> as JSON on standard output.
/// A Username of <c>&lt;token&gt;</c> makes the Secret an identity token.
/// </summary>
internal static class CredentialHelper
{
    /// <summary>How long a helper may run before it is stopped; some ask a keychain or a cloud.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    // The helpers' own message for a server they hold nothing for (credentials/error.go).
    private const string NotFoundMessage = "credentials not found in native keychain";

    // A credential is a few kilobytes at most, even with a long identity token.
    private const int MaxOutputSize = 1024 * 1024;

    /// <summary>
    /// Returns the helper's credential for <paramref name="serverAddress"/>, or null when it
    /// stores none.
    /// </summary>
    /// <param name="helper">The helper's suffix, as <c>credsStore</c> or <c>credHelpers</c> names it.</param>
    /// <param name="serverAddress">The registry host, or Docker Hub's index URL.</param>
    /// <param name="configPath">The configuration file that names the helper, for error messages.</param>
    /// <param name="timeout">How long the helper may run.</param>
    /// <exception cref="FileNotFoundException">The helper is not on PATH.</exception>
    /// <exception cref="IOException">The helper failed.</exception>
    /// <exception cref="TimeoutException">The helper did not finish in time.</exception>
    /// <exception cref="InvalidDataException">The helper's name or output is malformed.</exception>
    public static RegistryCredential? Get(string helper, string serverAddress, string configPath, TimeSpan timeout)
    {
        var program = "docker-credential-" + helper;
        if (helper.Length == 0 || helper.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new InvalidDataException(
                $"Docker configuration '{configPath}' names the credential helper '{helper}' for "
                + $"'{serverAddress}', which is not a plain name. Name a helper on PATH, such as 'pass'.");
        }

        var path = FindOnPath(program) ?? throw new FileNotFoundException(
            $"Credential helper '{program}', named in '{configPath}' for '{serverAddress}', was not found on "
            + "PATH. Install it, or remove it from the configuration file.", program);
        var (exitCode, output, error) = Run(path, serverAddress, timeout, program);
        if (exitCode != 0)
        {
            if (output.Contains(NotFoundMessage, StringComparison.Ordinal))
            {
                return null;
            }

            throw new IOException(
                $"Credential helper '{program}' failed for '{serverAddress}' with exit code {exitCode}: "
                + $"'{FirstLine(output.Length > 0 ? output : error)}'. Log in again or fix the helper.");
        }

        return Parse(output, program, serverAddress);
    }

    internal static RegistryCredential Parse(string output, string program, string serverAddress)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("Username", out var username) && username.ValueKind == JsonValueKind.String
                && root.TryGetProperty("Secret", out var secret) && secret.ValueKind == JsonValueKind.String)
            {
                return new RegistryCredential(username.GetString()!, secret.GetString()!);
            }
        }
        catch (JsonException)
        {
            // The output is not repeated in the message, because it may contain the secret.
        }

        throw new InvalidDataException(
            $"Credential helper '{program}' printed something other than a JSON object with string "
            + $"'Username' and 'Secret' fields for '{serverAddress}'. Check the helper's version.");
    }

    private static (int ExitCode, string Output, string Error) Run(
        string path, string serverAddress, TimeSpan timeout, string program)
    {
        var info = new ProcessStartInfo(path)
        {
            ArgumentList = { "get" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new IOException($"Credential helper '{path}' could not be started: {e.Message}", e);
        }

        var output = ReadLimitedAsync(process.StandardOutput);
        var error = ReadLimitedAsync(process.StandardError);

        // docker-credential-helpers' client writes the address without a line break.
        process.StandardInput.Write(serverAddress);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"Credential helper '{program}' did not answer for '{serverAddress}' within "
                + $"{timeout.TotalSeconds:0.#} seconds. Check whether it waits for input, such as a password prompt.");
        }

        process.WaitForExit();
        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static async Task<string> ReadLimitedAsync(StreamReader reader)
    {
        var buffer = new char[MaxOutputSize];
        var total = 0;
        int read;
        while (total < buffer.Length
            && (read = await reader.ReadAsync(buffer.AsMemory(total)).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        // Whatever is left is drained so that the helper never blocks on a full pipe.
        await reader.BaseStream.CopyToAsync(Stream.Null).ConfigureAwait(false);
        return new string(buffer, 0, total);
    }

    private static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] + "..." : line;
    }
}
