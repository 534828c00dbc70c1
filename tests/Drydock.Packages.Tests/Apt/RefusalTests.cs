using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Candidates;
using Drydock.Packages.Apt.Download;
using Drydock.Packages.Apt.Resolver;
using Drydock.Testing.Apt;

namespace Drydock.Packages.Tests.Apt;

/// <summary>Every trust check rejects with a typed error that names the file, key or hash.</summary>
public sealed class RefusalTests(TrustKeysFixture keys) : IClassFixture<TrustKeysFixture>
{
    private static readonly HttpClient _http = new();

    [Fact]
    public async Task GoodSignature_Loads()
    {
        using var repo = Signed(keys.Good);

        var suites = await repo.LoadAsync(repo.Source(keys.GoodKeyring));

        var suite = Assert.Single(suites);
        Assert.Equal(2, suite.Packages.Count);
        Assert.Equal("Drydock Refusals", suite.Release.Label);
    }

    [Fact]
    public async Task BadSignature_InRelease()
    {
        using var repo = Signed(keys.Good + "!");
        var inRelease = Path.Combine(repo.SuiteDirectory, "InRelease");
        File.WriteAllText(inRelease, File.ReadAllText(inRelease).Replace("Drydock Refusals", "Drydock Refusalz"));

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.EndsWith("InRelease", error.Location);
        Assert.Contains(keys.Good[^16..], error.KeyIds);
        Assert.Contains("is bad", error.Message);
    }

    [Fact]
    public async Task BadSignature_ReleaseGpg()
    {
        using var repo = Signed(keys.Good);
        File.Delete(Path.Combine(repo.SuiteDirectory, "InRelease"));
        File.AppendAllText(Path.Combine(repo.SuiteDirectory, "Release"), "Description: changed\n");

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.EndsWith("/Release", error.Location);
    }

    [Fact]
    public async Task KeyNotNamedBySignedBy()
    {
        using var repo = Signed(keys.Stranger);

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.Contains(keys.Stranger[^16..], error.KeyIds);
        Assert.Contains("is not in the trusted keyring", error.Message);
    }

    [Fact]
    public async Task SignedBy_IgnoresExtraKeyrings()
    {
        using var repo = Signed(keys.Stranger);
        var strangerKeys = Drydock.Packages.Apt.Trust.Keyring.Load(File.OpenRead(keys.StrangerKeyring), keys.StrangerKeyring);

        await Assert.ThrowsAsync<AptSignatureException>(
            () => repo.LoadAsync(repo.Source(keys.GoodKeyring), extraKeys: strangerKeys));
        var loaded = await repo.LoadAsync(repo.Source(), extraKeys: strangerKeys);

        Assert.Single(loaded);
    }

    [Fact]
    public async Task SignedByFingerprint_SelectsKey()
    {
        using var repo = Signed(keys.Good + "!");
        var both = Drydock.Packages.Apt.Trust.Keyring.Load(File.OpenRead(keys.GoodKeyring), "good")
            .Concat(Drydock.Packages.Apt.Trust.Keyring.Load(File.OpenRead(keys.StrangerKeyring), "stranger"));

        var accepted = await repo.LoadAsync(repo.Source(keys.Good), extraKeys: both);
        var error = await Assert.ThrowsAsync<AptSignatureException>(() => repo.LoadAsync(repo.Source(keys.Stranger), extraKeys: both));

        Assert.Single(accepted);
        Assert.Contains(keys.Good[^16..], error.KeyIds);
    }

    [Fact]
    public async Task SubkeySignature_AcceptedByPrimary()
    {
        using var repo = Signed(keys.GoodSubkey + "!");

        var loaded = await repo.LoadAsync(repo.Source(keys.GoodKeyring));

        Assert.Single(loaded);
    }

    [Fact]
    public async Task SubkeySignature_RejectedByOtherPinnedSubkey()
    {
        using var repo = Signed(keys.GoodSubkey + "!");
        var goodKeys = Drydock.Packages.Apt.Trust.Keyring.Load(File.OpenRead(keys.GoodKeyring), "good");

        var error = await Assert.ThrowsAsync<AptSignatureException>(
            () => repo.LoadAsync(repo.Source(keys.Good + "!"), extraKeys: goodKeys));

        Assert.Contains("Signed-By fingerprints", error.Message);
    }

    [Fact]
    public async Task ExpiredKey_Rejected()
    {
        using var repo = new ServedRepository();
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Expired, fakedTime: "20200101T010000");

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => repo.LoadAsync(repo.Source(keys.ExpiredKeyring)));

        Assert.Contains("is expired", error.Message);
    }

    [Fact]
    public async Task RevokedKey_Rejected()
    {
        using var repo = Signed(keys.Revoked);
        var keyring = keys.RevokeAndExport();

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => repo.LoadAsync(repo.Source(keyring)));

        Assert.Contains("is revoked", error.Message);
    }

    [Fact]
    public async Task Unsigned_RejectedUnlessAllowed()
    {
        using var repo = new ServedRepository();

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));
        var allowed = await repo.LoadAsync(repo.Source(keys.GoodKeyring), new AptOptions { AllowUnsigned = true });

        Assert.EndsWith("/Release", error.Location);
        Assert.Single(allowed);
    }

    [Fact]
    public async Task ExpiredRelease_RejectedUnlessAllowed()
    {
        var validUntil = DateTimeOffset.UtcNow.AddDays(-2);
        using var repo = Signed(keys.Good, spec => spec with { ValidUntil = validUntil, Date = validUntil.AddDays(-7) });

        var error = await Assert.ThrowsAsync<AptReleaseExpiredException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));
        var allowed = await repo.LoadAsync(repo.Source(keys.GoodKeyring), new AptOptions { AllowExpiredRelease = true });

        Assert.Equal(validUntil.ToUnixTimeSeconds(), error.Date.ToUnixTimeSeconds());
        Assert.Single(allowed);
    }

    [Fact]
    public async Task FutureDate_Rejected()
    {
        var date = DateTimeOffset.UtcNow.AddDays(1);
        using var repo = Signed(keys.Good, spec => spec with { Date = date });

        var error = await Assert.ThrowsAsync<AptReleaseExpiredException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.Equal(date.ToUnixTimeSeconds(), error.Date.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task PackagesHashMismatch_Rejected()
    {
        using var repo = Signed(keys.Good);
        var index = repo.Repository.IndexDirectory(ServedRepository.Suite);
        File.Copy(Path.Combine(index, "Packages.gz"), Path.Combine(index, "Packages.xz"), overwrite: true);

        var error = await Assert.ThrowsAsync<AptHashMismatchException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.EndsWith("main/binary-amd64/Packages.xz", error.Location);
        Assert.NotEqual(error.Expected, error.Actual);
        Assert.Contains(error.Expected, error.Message);
    }

    [Fact]
    public async Task TruncatedXz_Rejected()
    {
        using var repo = new ServedRepository();
        var index = repo.Repository.IndexDirectory(ServedRepository.Suite);
        var xz = Path.Combine(index, "Packages.xz");
        var bytes = File.ReadAllBytes(xz);
        File.WriteAllBytes(xz, bytes[..(bytes.Length / 2)]);
        File.Delete(Path.Combine(index, "Packages.gz"));
        File.Delete(Path.Combine(index, "Packages"));
        repo.Repository.WriteRelease(repo.Spec);
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Good);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.Contains("Packages.xz", error.Message);
    }

    [Fact]
    public async Task ByHash_FetchesHashedPath()
    {
        using var repo = Signed(keys.Good, spec => spec with { AcquireByHash = true });
        File.Delete(Path.Combine(repo.Repository.IndexDirectory(ServedRepository.Suite), "Packages.xz"));

        var loaded = await repo.LoadAsync(repo.Source(keys.GoodKeyring));

        Assert.Equal(2, Assert.Single(loaded).Packages.Count);
        Assert.Contains(repo.Server.Requests, r => r.Contains("/by-hash/SHA256/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DebHashMismatch_Rejected()
    {
        using var repo = Signed(keys.Good);
        var suite = Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring)));
        var record = suite.Packages.Single(p => p.Name == "libpsl5");
        var other = suite.Packages.Single(p => p.Name == "libkeyutils1");
        File.Copy(Path.Combine(repo.Repository.Root, other.Filename!), Path.Combine(repo.Repository.Root, record.Filename!), overwrite: true);
        using var cache = new TemporaryDirectory();
        var downloader = new DebDownloader(_http, cache.Path);

        var error = await Assert.ThrowsAsync<AptHashMismatchException>(
            () => downloader.DownloadAsync([record], null, TestContext.Current.CancellationToken));

        Assert.Equal(record.Sha256, error.Expected);
        Assert.EndsWith(record.Filename!, error.Location);
        Assert.Empty(Directory.GetFiles(downloader.CacheDirectory));
    }

    [Fact]
    public async Task Deb_DownloadsIntoCache()
    {
        using var repo = Signed(keys.Good);
        var suite = Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring)));
        using var cache = new TemporaryDirectory();
        var downloader = new DebDownloader(_http, cache.Path);
        var reports = new List<DownloadProgress>();

        var paths = await downloader.DownloadAsync(suite.Packages, new SynchronousProgress(reports), TestContext.Current.CancellationToken);

        Assert.Equal(suite.Packages.Select(p => Path.Combine(downloader.CacheDirectory, p.Sha256!)), paths);
        Assert.Equal(suite.Packages.Sum(p => p.Size), reports.Max(r => r.BytesDone));
    }

    [Fact]
    public async Task UnsatisfiableDependency_NamesChain()
    {
        using var repo = Signed(keys.Good, spec => spec with { Packages = ["libcurl4=7.88.1-10+deb12u15", "libpsl5=0.21.2-1"] });
        var suite = Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring)));
        var universe = new PackageUniverse(suite.Packages, [], new CandidatePolicy([]), "amd64");

        var error = Assert.Throws<UnsatisfiableDependencyException>(() => new DependencyResolver(universe).Install(["libcurl4"]));

        Assert.StartsWith("libcurl4:amd64 7.88.1-10+deb12u15", error.Chain[0]);
        Assert.Contains("libbrotli1", error.Chain[^1]);
    }

    private ServedRepository Signed(string keyId, Func<SuiteSpec, SuiteSpec>? adjust = null)
    {
        var repo = new ServedRepository(adjust: adjust);
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keyId);
        return repo;
    }

    private sealed class SynchronousProgress(List<DownloadProgress> reports) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
