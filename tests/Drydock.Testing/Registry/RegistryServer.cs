using System.Diagnostics;
using System.Text;
using Xunit;

namespace Drydock.Testing.Registry;

/// <summary>
/// Debian's <c>docker-registry</c> (distribution v2.8) serving on 127.0.0.1 with a throwaway
/// storage directory: anonymous, or with token authentication through a <see cref="TokenServer"/>.
/// Disposing stops the process and deletes its directory.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/docker-registry";

    private static readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log;

    private RegistryServer(Process process, string directory, int port, StringBuilder log, TokenServer? tokens)
    {
        _process = process;
        _directory = directory;
        _log = log;
        Port = port;
        Tokens = tokens;
    }

    public int Port { get; }

    /// <summary>The registry host as references spell it, <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>The token server, when the registry uses token authentication.</summary>
    public TokenServer? Tokens { get; }

    /// <summary>What the registry printed so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts an anonymous registry; skips the test when docker-registry is not installed.</summary>
    public static Task<RegistryServer> StartAsync() => StartAsync(null, null);

    /// <summary>Starts a registry that trusts tokens signed with <paramref name="certificates"/>.</summary>
    public static Task<RegistryServer> StartWithTokenAuthAsync(
        TestCertificates certificates, IReadOnlyDictionary<string, string> users) =>
        StartAsync(certificates, users);

    private static async Task<RegistryServer> StartAsync(
        TestCertificates? certificates, IReadOnlyDictionary<string, string>? users)
    {
        if (!File.Exists(Executable))
        {
            Assert.Skip($"'{Executable}' not found: install the Debian package docker-registry.");
        }

        var directory = Directory.CreateTempSubdirectory("drydock-registry-").FullName;
        TokenServer? tokens = null;
        if (certificates is not null)
        {
            certificates.WriteAuthorityPem(Path.Combine(directory, "ca.pem"));
            tokens = TokenServer.Start(certificates, users!);
        }

        var port = FreePort.Next();
        var config = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(config, Config(directory, port, tokens)).ConfigureAwait(false);

        var log = new StringBuilder();
        var process = StartProcess(config, log);
        var server = new RegistryServer(process, directory, port, log, tokens);
        try
        {
            await server.WaitUntilReadyAsync().ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        if (Tokens is not null)
        {
            await Tokens.DisposeAsync().ConfigureAwait(false);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static string Config(string directory, int port, TokenServer? tokens)
    {
        var auth = tokens is null ? string.Empty : $"""
            auth:
              token:
                realm: {tokens.Realm}
                service: {TokenServer.Service}
                issuer: {TokenServer.Issuer}
                rootcertbundle: {Path.Combine(directory, "ca.pem")}
            """;
        return $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "storage")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
              secret: drydock-test-secret
            {auth}
            """;
    }

    private static Process StartProcess(string config, StringBuilder log)
    {
        var info = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "serve", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = info };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Once listening, the registry returns 200 for /v2/, or 401 with token auth.
    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"docker-registry exited with code {_process.ExitCode} before it was ready:\n{Log}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri($"http://{Host}/v2/")).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        throw new TimeoutException($"docker-registry did not answer on {Host} within 30 seconds:\n{Log}");
    }
}
