namespace Drydock.Testing.Apt;

/// <summary>
/// A signed two-suite archive on a loopback server, made of real bookworm packages:
/// <c>bookworm-security</c> carries security updates for packages of the minbase root (and
/// older versions of some), <c>bookworm</c> carries point-release versions that are newer
/// than the security ones for curl and util-linux, so candidates must be taken across suites.
/// Both suites are signed by one throwaway key, exported to <see cref="KeyringPath"/>.
/// </summary>
public sealed class BookwormTestArchive : IDisposable
{
    public const string SecuritySuite = "bookworm-security";
    public const string PointSuite = "bookworm";

    /// <summary>Security versions that upgrade the minbase root; apt and libapt-pkg are tied by a versioned dependency.</summary>
    public static readonly IReadOnlyList<string> SecurityPackages =
    [
        "apt=2.6.2", "libapt-pkg6.0=2.6.2",
        "libpam0g=1.5.2-6+deb12u3", "libpam-modules=1.5.2-6+deb12u3",
        "libpam-modules-bin=1.5.2-6+deb12u3", "libpam-runtime=1.5.2-6+deb12u3",
        "liblzma5=5.4.1-1+deb12u2", "zlib1g=1:1.2.13.dfsg-1+deb12u1", "tzdata=2026f-0+deb12u1",
        "libssl3=3.0.22-1~deb12u2", "curl=7.88.1-10+deb12u5", "libcurl4=7.88.1-10+deb12u5",
        "bsdutils=1:2.38.1-5+deb12u1", "libbrotli1=1.0.9-2+deb12u1",
        "libsasl2-2=2.1.28+dfsg-10+deb12u1", "libsasl2-modules-db=2.1.28+dfsg-10+deb12u1",
        "libssh2-1=1.10.0-3+deb12u1",
    ];

    /// <summary>
    /// Point-release versions: newer curl than security, the installed util-linux, curl's other
    /// dependencies, and libldap-common, which libldap-2.5-0 recommends.
    /// </summary>
    public static readonly IReadOnlyList<string> PointPackages =
    [
        "curl=7.88.1-10+deb12u15", "libcurl4=7.88.1-10+deb12u15", "libssl3=3.0.20-1~deb12u2",
        "bsdutils=1:2.38.1-5+deb12u3", "libkrb5support0=1.20.1-2+deb12u5", "libk5crypto3=1.20.1-2+deb12u5",
        "libkrb5-3=1.20.1-2+deb12u5", "libgssapi-krb5-2=1.20.1-2+deb12u5", "libkeyutils1=1.6.3-2",
        "libldap-2.5-0=2.5.13+dfsg-5", "libnghttp2-14=1.52.0-1+deb12u3", "libpsl5=0.21.2-1",
        "librtmp1=2.4+20151223.gitfa8646d.1-2+b2", "libldap-common=2.5.13+dfsg-5",
    ];

    public BookwormTestArchive()
    {
        TestRepository.RequireTools();
        Gpg = new TestGpg();
        Fingerprint = Gpg.GenerateKey("Drydock Test Archive");
        Repository = new TestRepository();
        Security = new SuiteSpec(SecuritySuite, SecuritySuite, "Drydock Test Security", SecurityPackages);
        Point = new SuiteSpec(PointSuite, PointSuite, "Drydock Test", PointPackages) { AcquireByHash = true };
        Repository.AddSuite(Security);
        Repository.AddSuite(Point);
        Repository.Sign(SecuritySuite, Gpg, Fingerprint);
        Repository.Sign(PointSuite, Gpg, Fingerprint);
        KeyringPath = Path.Combine(Gpg.Home, "drydock-test.gpg");
        Gpg.ExportPublicKey(Fingerprint, KeyringPath);
        Server = new LoopbackFileServer(Repository.Root);
    }

    public TestGpg Gpg { get; }

    public string Fingerprint { get; }

    public TestRepository Repository { get; }

    public SuiteSpec Security { get; }

    public SuiteSpec Point { get; }

    /// <summary>The archive key as a binary keyring file on the host.</summary>
    public string KeyringPath { get; }

    public LoopbackFileServer Server { get; }

    /// <summary>A deb822 stanza for both suites, signed by the key at <paramref name="keyringPath"/>.</summary>
    public string SourcesStanza(string keyringPath) =>
        $"Types: deb\nURIs: {Server.BaseUri}\nSuites: {SecuritySuite} {PointSuite}\nComponents: main\n" +
        $"Signed-By: {keyringPath}\n";

    public void Dispose()
    {
        Server.Dispose();
        Repository.Dispose();
        Gpg.Dispose();
    }
}
