using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Drydock.Cli.Tests.Registry;

/// <summary>
/// SIGINT and SIGTERM cancel a running command: it prints that it was cancelled and exits with
/// 130 instead of dying from the signal and leaving its temporary files behind.
/// </summary>
public sealed class InterruptTests
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Signal_cancels_command(string signal)
    {
        var token = TestContext.Current.CancellationToken;

        // A registry that accepts the connection and never responds keeps the command waiting.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "drydock.dll"));
        info.ArgumentList.Add("inspect");
        info.ArgumentList.Add($"127.0.0.1:{port}/silent/image:1");
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(token);
        using var connection = await silent.AcceptTcpClientAsync(token);

        var pid = process.Id.ToString(CultureInfo.InvariantCulture);
        using (var kill = Process.Start("kill", ["-" + signal, pid]))
        {
            await kill.WaitForExitAsync(token);
        }

        await process.WaitForExitAsync(token);

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("drydock: cancelled", await stderr, StringComparison.Ordinal);
    }
}
