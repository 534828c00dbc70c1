// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using System.Security.Cryptography;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Download;
using Drydock.Packages.Apt.Indexes;

namespace Drydock.Packages.Tests.Apt;

/// <summary>.deb downloads from a signed loopback repository: pool paths and size and hash checks.</summary>
public sealed class DebDownloaderTests(TrustKeysFixture keys) : IClassFixture<TrustKeysFixture>
{
    private static readonly HttpClient _http = new();

    // The SHA256 of empty input, which a hash of no bytes would print.
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

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

    [Fact]
    public async Task Download_LargerThanStanza_StopsWithoutHash()
    {
        using var repo = Signed(["libpsl5=0.21.2-1"]);
        var record = Assert.Single(Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring))).Packages);
        var pool = Path.Combine(repo.Repository.Root, record.Filename!);
        File.WriteAllBytes(pool, [.. File.ReadAllBytes(pool), .. new byte[200_000]]);
        using var cache = new TemporaryDirectory();
        var downloader = new DebDownloader(_http, cache.Path);

        var error = await Assert.ThrowsAsync<AptHashMismatchException>(
            () => downloader.DownloadAsync([record], null, Cancellation));

        Assert.Null(error.Actual);
        Assert.Equal(record.Sha256, error.Expected);
        Assert.Contains($"{record.Size} bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(EmptySha256, error.Message, StringComparison.Ordinal);
        AssertNamesPackage(error, record, repo);
        Assert.Empty(Directory.GetFiles(downloader.CacheDirectory));
    }

    [Fact]
    public async Task Download_SmallerThanStanza_ReportsFileHash()
    {
        using var repo = Signed(["libpsl5=0.21.2-1"]);
        var record = Assert.Single(Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring))).Packages);
        var pool = Path.Combine(repo.Repository.Root, record.Filename!);
        var truncated = File.ReadAllBytes(pool)[..(int)(record.Size / 2)];
        File.WriteAllBytes(pool, truncated);
        using var cache = new TemporaryDirectory();
        var downloader = new DebDownloader(_http, cache.Path);

        var error = await Assert.ThrowsAsync<AptHashMismatchException>(
            () => downloader.DownloadAsync([record], null, Cancellation));

        var actual = Convert.ToHexStringLower(SHA256.HashData(truncated));
        Assert.Equal(actual, error.Actual);
        Assert.Contains($"'{actual}' ({truncated.Length} bytes)", error.Message, StringComparison.Ordinal);
        AssertNamesPackage(error, record, repo);
        Assert.Empty(Directory.GetFiles(downloader.CacheDirectory));
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

    private static void AssertNamesPackage(AptHashMismatchException error, PackageRecord record, ServedRepository repo)
    {
        Assert.Contains($"'{record.Name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{record.Version}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{repo.Server.BaseUri}{record.Filename}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("debs/sha256", error.Message, StringComparison.Ordinal);
    }

    private ServedRepository Signed(IReadOnlyList<string> packages)
    {
        var repo = new ServedRepository(packages);
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Good);
        return repo;
    }
}
