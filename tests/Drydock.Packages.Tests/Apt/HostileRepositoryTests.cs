using System.IO.Compression;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;
using Drydock.Testing.Apt;
using Microsoft.Extensions.Logging;

namespace Drydock.Packages.Tests.Apt;

/// <summary>
/// Repositories and source lists that try to exhaust memory, skip signature checks or hide
/// packages: each is refused or reported.
/// </summary>
public sealed class HostileRepositoryTests(TrustKeysFixture keys) : IClassFixture<TrustKeysFixture>
{
    private static readonly HttpClient _http = new();

    [Theory]
    [InlineData("Packages.xz")]
    [InlineData("Packages.gz")]
    public async Task CompressionBomb_Rejected(string form)
    {
        using var repo = new ServedRepository();
        var index = repo.Repository.IndexDirectory(ServedRepository.Suite);
        foreach (var file in new[] { "Packages", "Packages.gz", "Packages.xz" })
        {
            File.Delete(Path.Combine(index, file));
        }

        WriteZeros(Path.Combine(index, form), 64L << 20);
        repo.Repository.WriteRelease(repo.Spec);
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Good);
        var options = new AptOptions { MaxIndexSize = 16L << 20 };

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => repo.LoadAsync(repo.Source(keys.GoodKeyring), options));

        Assert.Contains(form, error.Message, StringComparison.Ordinal);
        Assert.Contains("16 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootTrustedYes_IgnoredByDefault()
    {
        using var repo = new ServedRepository();
        var source = Trusted(repo);

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => LoadRootAsync(source, new AptOptions()));

        Assert.EndsWith("/Release", error.Location, StringComparison.Ordinal);
        Assert.Contains("--no-image-sources", error.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-image-trusted-sources", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootTrustedYes_HonouredWhenAllowed()
    {
        using var repo = new ServedRepository();

        var suites = await LoadRootAsync(Trusted(repo), new AptOptions { AllowRootTrustedSources = true });

        Assert.Equal(2, Assert.Single(suites).Packages.Count);
    }

    [Fact]
    public async Task ExtraTrustedYes_Honoured()
    {
        using var repo = new ServedRepository();

        var suites = await repo.LoadAsync(Trusted(repo));

        Assert.Equal(2, Assert.Single(suites).Packages.Count);
    }

    [Fact]
    public async Task RootBadSignature_NamesNoImageSources()
    {
        using var repo = new ServedRepository();
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Stranger);

        var error = await Assert.ThrowsAsync<AptSignatureException>(() => LoadRootAsync(repo.Source(), new AptOptions()));

        Assert.Contains(keys.Stranger[^16..], error.KeyIds);
        Assert.Contains("--no-image-sources", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedStanzas_LoggedAsWarning()
    {
        using var repo = new ServedRepository();
        var index = repo.Repository.IndexDirectory(ServedRepository.Suite);
        var packages = File.ReadAllText(Path.Combine(index, "Packages"));
        TestRepository.WriteIndex(index, packages + "\nPackage: noversion\nArchitecture: amd64\n");
        repo.Repository.WriteRelease(repo.Spec);
        repo.Repository.Sign(ServedRepository.Suite, keys.Gpg, keys.Good);
        var logger = new ListLogger();

        var suites = await new AptClient(_http, null, logger).LoadAsync(
            [], [repo.Source(keys.GoodKeyring)], null, Keyring.Empty, TestContext.Current.CancellationToken);

        Assert.Equal(2, Assert.Single(suites).Packages.Count);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("Skipped 1 malformed", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'noversion'", warning.Message, StringComparison.Ordinal);
    }

    private static AptSource Trusted(ServedRepository repo) =>
        SourcesListParser.ParseLine($"deb [trusted=yes] {repo.Server.BaseUri} {ServedRepository.Suite} main");

    private static Task<IReadOnlyList<LoadedSuite>> LoadRootAsync(AptSource source, AptOptions options) =>
        new AptClient(_http, options).LoadAsync([source], [], null, Keyring.Empty, TestContext.Current.CancellationToken);

    // Zeros compress about a thousandfold, the shape of a compression bomb; xz -0 keeps it fast.
    private static void WriteZeros(string path, long length)
    {
        if (path.EndsWith(".xz", StringComparison.Ordinal))
        {
            var plain = path[..^3];
            using (var file = File.Create(plain))
            {
                file.SetLength(length);
            }

            ToolRunner.Run("xz", ["-0", "-T1", plain]);
            return;
        }

        using var output = File.Create(path);
        using var gzip = new GZipStream(output, CompressionLevel.Optimal);
        var zeros = new byte[1 << 20];
        for (long written = 0; written < length; written += zeros.Length)
        {
            gzip.Write(zeros);
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
