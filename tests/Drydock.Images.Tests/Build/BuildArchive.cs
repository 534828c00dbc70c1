using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Build;

/// <summary>
/// A signed one-suite archive on a loopback server holding the closure of
/// <c>libc6, libssl3, openssl</c>: real bookworm packages fetched with <c>apt-get download</c>.
/// </summary>
public sealed class BuildArchive : IDisposable
{
    public const string Suite = "bookworm";

    public static readonly IReadOnlyList<string> Packages =
    [
        "libc6=2.36-9+deb12u14", "libgcc-s1=12.2.0-14+deb12u1", "gcc-12-base=12.2.0-14+deb12u1",
        "libssl3=3.0.22-1~deb12u2", "openssl=3.0.22-1~deb12u2",
    ];

    public BuildArchive()
    {
        TestRepository.RequireTools();
        Gpg = new TestGpg();
        var fingerprint = Gpg.GenerateKey("Drydock Build Test Archive");
        Repository = new TestRepository();
        Repository.AddSuite(new SuiteSpec(Suite, Suite, "Drydock Build Test", Packages));
        Repository.Sign(Suite, Gpg, fingerprint);
        KeyringPath = Path.Combine(Gpg.Home, "build-test.gpg");
        Gpg.ExportPublicKey(fingerprint, KeyringPath);
        Server = new LoopbackFileServer(Repository.Root);
    }

    public TestGpg Gpg { get; }

    public TestRepository Repository { get; }

    public string KeyringPath { get; }

    public LoopbackFileServer Server { get; }

    /// <summary>A spec for <paramref name="packages"/> from this archive, with a nonroot user.</summary>
    public string Spec(string packages = "[libc6, libssl3, openssl]") => $"""
        distribution: debian
        release: bookworm
        repositories:
          - uri: {Server.BaseUri}
            suites: [{Suite}]
        keyring: {KeyringPath}
        packages: {packages}
        users:
          - name: nonroot
            uid: 65532
        user: "65532"
        entrypoint: [/usr/bin/openssl]
        cmd: [version]
        workdir: /home/nonroot
        labels:
          purpose: test
        """;

    public void Dispose()
    {
        Server.Dispose();
        Repository.Dispose();
        Gpg.Dispose();
    }
}
