// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using Drydock.Packages.Apt.Download;

namespace Drydock.Packages.Tests.Apt;

/// <summary>.deb downloads from a signed loopback repository: their pool paths.</summary>
public sealed class DebDownloaderTests(TrustKeysFixture keys) : IClassFixture<TrustKeysFixture>
{
    private static readonly HttpClient _http = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Download_PoolNameWithEncodedEpoch()
    {
        // apt-get download names the file zlib1g_1%3a1.2.13..., and apt-ftparchive indexes that name.
        using var repo = Signed(["zlib1g=1:1.2.13.dfsg-1+deb12u1"]);
        var record = Assert.Single(Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring))).Packages);
        using var cache = new TemporaryDirectory();

        var paths = await new DebDownloader(_http, cache.Path).DownloadAsync([record], null, Cancellation);

        Assert.Contains("%3a", record.Filename, StringComparison.Ordinal);
        Assert.EndsWith(record.Sha256!, Assert.Single(paths), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "pool/main/a/apt/apt_2.6.1_amd64.deb", "pool/main/a/apt/apt_2.6.1_amd64.deb")]
    [InlineData("epoch", "pool/z/zlib1g_1%3a1.2.13_amd64.deb", "pool/z/zlib1g_1%253a1.2.13_amd64.deb")]
    [InlineData("plus and tilde", "pool/libstdc++6_1~rc1.deb", "pool/libstdc%2B%2B6_1%7Erc1.deb")]
    [InlineData("colon first", "1:2.deb", "1%3A2.deb")]
    [InlineData("query and fragment", "a?b#c.deb", "a%3Fb%23c.deb")]
    [InlineData("non-ASCII", "pool/é.deb", "pool/%C3%A9.deb")]
    public void EscapePoolPath_EncodesPathAsApt(string name, string filename, string expected)
    {
        Assert.Equal(expected, DebDownloader.EscapePoolPath(filename));
    }

    private ServedRepository Signed(IReadOnlyList<string> packages)
    {
        var repo = new ServedRepository(packages);
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Good);
        return repo;
    }
}
