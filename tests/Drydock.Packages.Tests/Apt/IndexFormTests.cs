using Drydock.Packages.Apt;
using Drydock.Testing.Apt;

namespace Drydock.Packages.Tests.Apt;

/// <summary>
/// Which form of a Packages index is fetched when the server lacks some that the signed Release
/// lists: the next form after a 404, never after a hash mismatch.
/// </summary>
public sealed class IndexFormTests(TrustKeysFixture keys) : IClassFixture<TrustKeysFixture>
{
    private const string Index = "dists/" + ServedRepository.Suite + "/main/binary-amd64/";

    [Fact]
    public async Task MissingGz_FallsBackToPlain()
    {
        using var repo = Signed(listed: ["Packages.gz", "Packages"]);
        Delete(repo, "Packages.gz");

        var suite = Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.Equal(2, suite.Packages.Count);
        Assert.Equal([Index + "Packages.gz", Index + "Packages"], IndexRequests(repo));
    }

    [Fact]
    public async Task MissingXz_FallsBackToGz()
    {
        using var repo = Signed();
        Delete(repo, "Packages.xz");

        var suite = Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.Equal(2, suite.Packages.Count);
        Assert.Equal([Index + "Packages.xz", Index + "Packages.gz"], IndexRequests(repo));
    }

    [Fact]
    public async Task MissingByHash_FallsBackToPath()
    {
        using var repo = Signed(adjust: spec => spec with { AcquireByHash = true });
        var directory = repo.Repository.IndexDirectory(ServedRepository.Suite);
        Directory.Delete(Path.Combine(directory, "by-hash"), recursive: true);

        var suite = Assert.Single(await repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.Equal(2, suite.Packages.Count);
        var requests = IndexRequests(repo);
        Assert.Equal(2, requests.Count);
        Assert.StartsWith(Index + "by-hash/SHA256/", requests[0], StringComparison.Ordinal);
        Assert.Equal(Index + "Packages.xz", requests[1]);
    }

    [Fact]
    public async Task AllFormsMissing_NamesIndexAndUris()
    {
        using var repo = Signed();
        Delete(repo, "Packages.xz", "Packages.gz", "Packages");

        var error = await Assert.ThrowsAsync<IOException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.Contains("'main/binary-amd64/Packages'", error.Message, StringComparison.Ordinal);
        foreach (var form in new[] { "Packages.xz", "Packages.gz", "Packages" })
        {
            Assert.Contains($"'{repo.Server.BaseUri}{Index}{form}'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HashMismatch_DoesNotFallBack()
    {
        using var repo = Signed();
        var directory = repo.Repository.IndexDirectory(ServedRepository.Suite);
        File.Copy(Path.Combine(directory, "Packages.gz"), Path.Combine(directory, "Packages.xz"), overwrite: true);

        var error = await Assert.ThrowsAsync<AptHashMismatchException>(
            () => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        Assert.EndsWith(Index + "Packages.xz", error.Location, StringComparison.Ordinal);
        Assert.Equal([Index + "Packages.xz"], IndexRequests(repo));
    }

    [Fact]
    public async Task MissingRelease_IsNotFileNotFound()
    {
        using var repo = Signed();
        foreach (var file in new[] { "InRelease", "Release", "Release.gpg" })
        {
            File.Delete(Path.Combine(repo.SuiteDirectory, file));
        }

        var error = await Assert.ThrowsAsync<IOException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring)));

        var suiteUri = $"'{repo.Server.BaseUri}dists/{ServedRepository.Suite}/'";
        Assert.Contains(suiteUri, error.Message, StringComparison.Ordinal);
    }

    // Keeps only the listed forms on disk, so the regenerated Release lists only those.
    private ServedRepository Signed(string[]? listed = null, Func<SuiteSpec, SuiteSpec>? adjust = null)
    {
        var repo = new ServedRepository(adjust: adjust);
        if (listed is not null)
        {
            Delete(repo, [.. new[] { "Packages.xz", "Packages.gz", "Packages" }.Except(listed)]);
            repo.Repository.WriteRelease(repo.Spec);
        }

        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Good);
        return repo;
    }

    private static void Delete(ServedRepository repo, params string[] forms)
    {
        foreach (var form in forms)
        {
            File.Delete(Path.Combine(repo.Repository.IndexDirectory(ServedRepository.Suite), form));
        }
    }

    private static List<string> IndexRequests(ServedRepository repo)
    {
        lock (repo.Server.Requests)
        {
            return [.. repo.Server.Requests.Where(r => r.StartsWith(Index, StringComparison.Ordinal))];
        }
    }
}
