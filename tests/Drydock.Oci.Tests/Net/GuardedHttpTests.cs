using System.Net;
using Drydock.Oci.Net;
using Drydock.Testing.Apt;

namespace Drydock.Oci.Tests.Net;

/// <summary>
/// The clients from <see cref="GuardedHttp"/> against a loopback server. The link-local
/// addresses are refused while resolving, before a socket exists, so these tests send
/// nothing to them.
/// </summary>
public sealed class GuardedHttpTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("drydock-guarded-").FullName;
    private readonly LoopbackFileServer _server;

    public GuardedHttpTests()
    {
        File.WriteAllText(Path.Combine(_root, "Release"), "Suite: bookworm\n");
        _server = new LoopbackFileServer(_root);
    }

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("2001:db8::1", false)]
    public void IsLinkLocal(string address, bool expected) =>
        Assert.Equal(expected, GuardedHttp.IsLinkLocal(IPAddress.Parse(address)));

    [Fact]
    public async Task Get_FollowsLoopbackRedirect()
    {
        _server.Redirects["moved"] = new Uri(_server.BaseUri, "Release");
        using var http = GuardedHttp.Create();

        var body = await http.GetStringAsync(new Uri(_server.BaseUri, "moved"), TestContext.Current.CancellationToken);

        Assert.Equal("Suite: bookworm\n", body);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254")]
    [InlineData("http://[fe80::1]:8080/", "fe80::1")]
    public async Task Get_RejectsRedirectToLinkLocal(string target, string address)
    {
        _server.Redirects["dists/bookworm/InRelease"] = new Uri(target);
        using var http = GuardedHttp.Create();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            http.GetAsync(new Uri(_server.BaseUri, "dists/bookworm/InRelease"), TestContext.Current.CancellationToken));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Contains(address, Messages(error), StringComparison.Ordinal);
        Assert.Contains("dists/bookworm/InRelease", _server.Requests);
    }

    [Fact]
    public async Task Get_RefusesLinkLocalHost()
    {
        using var http = GuardedHttp.Create();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            http.GetAsync(new Uri("http://169.254.169.254/debian/dists/bookworm/InRelease"), TestContext.Current.CancellationToken));

        Assert.Contains("169.254.169.254", Messages(error), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static string Messages(Exception error) =>
        error.InnerException is null ? error.Message : error.Message + " | " + Messages(error.InnerException);
}
