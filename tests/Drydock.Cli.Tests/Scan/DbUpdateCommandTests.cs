using System.Diagnostics;
using Drydock.Cli.Tests.Registry;
using Drydock.Testing;

namespace Drydock.Cli.Tests.Scan;

/// <summary>
/// <c>drydock db update</c> against Python's http.server on 127.0.0.1, which replies
/// to If-Modified-Since with 304 as a feed host does.
/// </summary>
public sealed class DbUpdateCommandTests : IDisposable
{
    private const string FeedName = "alpine-secdb/v3.18-main.json";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("drydock-cli-update-");
    private readonly Process _server;
    private readonly string _url;

    public DbUpdateCommandTests()
    {
        var feeds = Path.Combine(_folder.FullName, "www");
        Directory.CreateDirectory(feeds);
        File.Copy(SharedData.Require("alpine-secdb/3.18/main.json"), Path.Combine(feeds, "main.json"));
        var port = FreePort();
        _url = $"http://127.0.0.1:{port}/main.json";
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { "-m", "http.server", "--bind", "127.0.0.1", "--directory", feeds, port.ToString() },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _server = Process.Start(start)!;
        WaitForServer(port);
    }

    public void Dispose()
    {
        _server.Kill();
        _server.WaitForExit();
        _server.Dispose();
        _folder.Delete(recursive: true);
    }

    private string Database => Path.Combine(_folder.FullName, "db", "advisories.db");

    [Fact]
    public async Task Update_FeedOption_ThenUnchanged()
    {
        var first = await UpdateAsync(null, "--feed", $"{FeedName}={_url}");
        var second = await UpdateAsync(null, "--feed", $"{FeedName}={_url}");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("1 of 1 feeds changed.", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("records into alpine-secdb.", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("All 1 feeds are unchanged.", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ConfigFile_IsDefaultList()
    {
        var config = Path.Combine(_folder.FullName, "config");
        Directory.CreateDirectory(Path.Combine(config, "drydock"));
        await File.WriteAllTextAsync(Path.Combine(config, "drydock", "feeds.list"), $"{FeedName} {_url}\n",
            TestContext.Current.CancellationToken);

        var run = await UpdateAsync(config);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("1 of 1 feeds changed.", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_FeedOption_OverridesListUrl()
    {
        // Port 1 on loopback has no server: only the override's URL can succeed.
        var list = Path.Combine(_folder.FullName, "feeds.list");
        await File.WriteAllTextAsync(list, $"{FeedName} http://127.0.0.1:1/main.json\n",
            TestContext.Current.CancellationToken);

        var run = await UpdateAsync(null, "--feeds", list, "--feed", $"{FeedName}={_url}");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("1 of 1 feeds changed.", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_EmptyList_ExitsUsage()
    {
        var list = Path.Combine(_folder.FullName, "feeds.list");
        await File.WriteAllTextAsync(list, "# nothing yet\n", TestContext.Current.CancellationToken);

        var run = await UpdateAsync(null, "--feeds", list);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("feeds.list", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no equals sign", "alpine.json")]
    [InlineData("ftp url", "alpine.json=ftp://127.0.0.1/a.json")]
    [InlineData("escaping name", "../alpine.json=http://127.0.0.1:1/a.json")]
    public async Task Update_InvalidFeedOption_Exits1(string name, string value)
    {
        Assert.NotEmpty(name);

        var run = await UpdateAsync(null, "--feed", value);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"'{value}'", run.Stderr, StringComparison.Ordinal);
    }

    private Task<DrydockRun> UpdateAsync(string? configHome, params string[] options) =>
        DrydockProcess.RunAsync(["db", "update", "--db", Database, .. options],
            environment: new Dictionary<string, string>
            {
                ["XDG_CONFIG_HOME"] = configHome ?? Path.Combine(_folder.FullName, "unused-config"),
            });

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitForServer(int port)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect("127.0.0.1", port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                Thread.Sleep(100);
            }
        }

        throw new InvalidOperationException($"python3 http.server did not start on port {port}.");
    }
}
