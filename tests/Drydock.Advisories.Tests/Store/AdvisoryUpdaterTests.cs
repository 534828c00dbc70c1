using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using Drydock.Advisories.Tests.Support;
using Drydock.Advisories.Update;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Store;

/// <summary>Feed updates against a feed server on 127.0.0.1 started by the test.</summary>
public sealed class AdvisoryUpdaterTests : IDisposable
{
    private readonly TemporaryStore _store = new();
    private readonly HttpListener _server = new();
    private readonly List<string> _requests = [];
    private readonly string _prefix;
    private int _status = 200;
    private string? _feedFile;
    private byte[]? _replacement;
    private string? _otherFeedFile;

    public AdvisoryUpdaterTests()
    {
        var port = FreePort();
        _prefix = $"http://127.0.0.1:{port}/";
        _server.Prefixes.Add(_prefix);
        _server.Start();
        _ = Task.Run(ServeAsync);
    }

    [Fact]
    public async Task Update_DownloadsThenUsesValidators()
    {
        var feeds = Feeds();

        var first = await Updater().UpdateAsync(feeds, TestContext.Current.CancellationToken);
        var second = await Updater().UpdateAsync(feeds, TestContext.Current.CancellationToken);

        Assert.Single(first.Changed);
        Assert.True(first.Import!.RecordsBySource["alpine-secdb"] > 1000);
        Assert.Empty(second.Changed);
        Assert.Null(second.Import);
        Assert.Contains("if-none-match=\"v1\"", _requests[^1]);
        Assert.Equal(["alpine:3.18"], Assert.Single(_store.Store.GetStatus()).Namespaces);
    }

    [Fact]
    public async Task Update_ServerErrorLeavesStore()
    {
        await Updater().UpdateAsync(Feeds(), TestContext.Current.CancellationToken);
        var before = _store.Count("SELECT COUNT(*) FROM affected");
        _status = 503;
        File.Delete(Path.Combine(_store.Folder, "feeds", "alpine-secdb", "v3.18-main.json"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(
            () => Updater().UpdateAsync(Feeds(), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains(_prefix, error.Message);
        Assert.Equal(before, _store.Count("SELECT COUNT(*) FROM affected"));
    }

    [Fact]
    public async Task Update_UrlChangedAndBack_DownloadsEachTime()
    {
        var feeds = Feeds();
        _otherFeedFile = SharedData.Require("alpine-secdb/3.17/main.json");
        FeedDefinition[] other = [feeds[0] with { Url = new Uri($"{_prefix}v3.17/main.json") }];
        await Updater().UpdateAsync(feeds, TestContext.Current.CancellationToken);
        await Updater().UpdateAsync(other, TestContext.Current.CancellationToken);

        var back = await Updater().UpdateAsync(feeds, TestContext.Current.CancellationToken);

        Assert.Single(back.Changed);
        Assert.Equal("/v3.18/main.json if-none-match=", _requests[^1]);
        Assert.Equal(["alpine:3.18"], Assert.Single(_store.Store.GetStatus()).Namespaces);
    }

    [Theory]
    [InlineData("HTML page as JSON", "alpine-secdb/v3.18-main.json")]
    [InlineData("HTML page as zip", "alpine-secdb/v3.18-main.zip")]
    [InlineData("truncated tar.gz", "alpine-secdb/v3.18-main.tar.gz")]
    public async Task Update_CorruptDownloadKeepsPreviousFile(string name, string fileName)
    {
        Assert.NotEmpty(name);
        var feeds = Feeds(fileName);
        var local = Path.Combine(_store.Folder, "feeds", fileName);
        await Updater().UpdateAsync(feeds, TestContext.Current.CancellationToken);
        var good = await File.ReadAllBytesAsync(local, TestContext.Current.CancellationToken);
        var before = _store.Count("SELECT COUNT(*) FROM affected");
        _replacement = fileName.EndsWith(".tar.gz", StringComparison.Ordinal)
            ? good[..(good.Length / 2)]
            : "<html><body>Maintenance</body></html>"u8.ToArray();

        await Assert.ThrowsAsync<InvalidDataException>(
            () => Updater().UpdateAsync(feeds, TestContext.Current.CancellationToken));
        _replacement = null;
        var again = await Updater().UpdateAsync(feeds, TestContext.Current.CancellationToken);

        Assert.Equal(good, await File.ReadAllBytesAsync(local, TestContext.Current.CancellationToken));
        Assert.Equal(before, _store.Count("SELECT COUNT(*) FROM affected"));
        Assert.Empty(again.Changed);
        Assert.Equal(["alpine-secdb"], Directory.GetFileSystemEntries(Path.Combine(_store.Folder, "feeds"))
            .Select(Path.GetFileName));
    }

    [Fact]
    public void FeedList_ParsesAndRejects()
    {
        var feeds = FeedDefinition.ParseList("# comment\n\nalpine-secdb/v3.18-main.json http://127.0.0.1/x.json\n", "list");

        Assert.Equal("alpine-secdb/v3.18-main.json", Assert.Single(feeds).FileName);
        var error = Assert.Throws<InvalidDataException>(
            () => FeedDefinition.ParseList("../escape.json http://127.0.0.1/x.json", "list"));
        Assert.Contains("'../escape.json http://127.0.0.1/x.json'", error.Message);
        Assert.Throws<InvalidDataException>(() => FeedDefinition.ParseList("a.json ftp://127.0.0.1/x", "list"));
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Close();
        _store.Dispose();
    }

    private AdvisoryUpdater Updater() =>
        new(_store.Store, new HttpClient(), Path.Combine(_store.Folder, "feeds"));

    // Locating the data here, on the test's own thread, lets a missing data set skip the test;
    // a skip raised inside the server loop would leave the request unanswered instead.
    private FeedDefinition[] Feeds(string fileName = "alpine-secdb/v3.18-main.json")
    {
        _feedFile = SharedData.Require("alpine-secdb/3.18/main.json");
        if (fileName.EndsWith(".zip", StringComparison.Ordinal) || fileName.EndsWith(".tar.gz", StringComparison.Ordinal))
        {
            _feedFile = Archive(_feedFile, fileName);
        }

        return [new FeedDefinition(new Uri($"{_prefix}v3.18/main.json"), fileName)];
    }

    private string Archive(string feedFile, string fileName)
    {
        var archive = Path.Combine(Directory.CreateDirectory(Path.Combine(_store.Folder, "served")).FullName,
            Path.GetFileName(fileName));
        if (fileName.EndsWith(".zip", StringComparison.Ordinal))
        {
            using var zip = ZipFile.Open(archive, ZipArchiveMode.Create);
            zip.CreateEntryFromFile(feedFile, "main.json");
        }
        else
        {
            using var output = File.Create(archive);
            using var gzip = new GZipStream(output, CompressionLevel.Fastest);
            using var tar = new TarWriter(gzip);
            tar.WriteEntry(feedFile, "main.json");
        }

        return archive;
    }

    private async Task ServeAsync()
    {
        while (_server.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _server.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var ifNoneMatch = context.Request.Headers["If-None-Match"];
            lock (_requests)
            {
                _requests.Add($"{context.Request.Url!.AbsolutePath} if-none-match={ifNoneMatch}");
            }

            using var response = context.Response;
            if (_status != 200)
            {
                response.StatusCode = _status;
            }
            else if (_replacement is { } replacement)
            {
                response.Headers["ETag"] = "\"v2\"";
                await response.OutputStream.WriteAsync(replacement);
            }
            else if (ifNoneMatch == "\"v1\"")
            {
                response.StatusCode = 304;
            }
            else
            {
                response.Headers["ETag"] = "\"v1\"";
                var file = context.Request.Url.AbsolutePath.StartsWith("/v3.17/", StringComparison.Ordinal)
                    ? _otherFeedFile! : _feedFile!;
                await response.OutputStream.WriteAsync(await File.ReadAllBytesAsync(file));
            }
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
