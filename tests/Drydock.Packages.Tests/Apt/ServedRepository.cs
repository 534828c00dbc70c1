using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;
using Drydock.Testing.Apt;

namespace Drydock.Packages.Tests.Apt;

/// <summary>A one-suite test repository of small real packages on its own loopback server.</summary>
internal sealed class ServedRepository : IDisposable
{
    public const string Suite = "testing-suite";

    private static readonly HttpClient _http = new();

    public ServedRepository(IReadOnlyList<string>? packages = null, Func<SuiteSpec, SuiteSpec>? adjust = null)
    {
        Repository = new TestRepository();
        var spec = new SuiteSpec(Suite, Suite, "Drydock Refusals", packages ?? ["libkeyutils1=1.6.3-2", "libpsl5=0.21.2-1"]);
        Spec = adjust is null ? spec : adjust(spec);
        Repository.AddSuite(Spec);
        Server = new LoopbackFileServer(Repository.Root);
    }

    public TestRepository Repository { get; }

    public SuiteSpec Spec { get; }

    public LoopbackFileServer Server { get; }

    public string SuiteDirectory => Path.Combine(Repository.Root, "dists", Suite);

    /// <summary>A source entry for the suite, with an optional <c>signed-by=</c> option.</summary>
    public AptSource Source(string? signedBy = null) => SourcesListParser.ParseLine(
        signedBy is null ? $"deb {Server.BaseUri} {Suite} main" : $"deb [signed-by={signedBy}] {Server.BaseUri} {Suite} main");

    public Task<IReadOnlyList<LoadedSuite>> LoadAsync(AptSource source, AptOptions? options = null, Keyring? extraKeys = null) =>
        new AptClient(_http, options).LoadAsync([], [source], null, extraKeys ?? Keyring.Empty, TestContext.Current.CancellationToken);

    public void Dispose()
    {
        Server.Dispose();
        Repository.Dispose();
    }
}
