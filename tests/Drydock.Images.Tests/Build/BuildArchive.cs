using System.Text.RegularExpressions;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Build;

/// <summary>
/// A signed one-suite archive for amd64 and arm64 on a loopback server, made of real bookworm
/// packages fetched with <c>apt-get download</c> (<c>NAME[:ARCH]=VERSION</c>) and indexed with
/// <c>apt-ftparchive</c>. Packages can be added later, re-indexing and re-signing the suite.
/// </summary>
public sealed class BuildArchive : IDisposable
{
    public const string Suite = "bookworm";

    public static readonly IReadOnlyList<string> Architectures = ["amd64", "arm64"];

    /// <summary>
    /// The closure of openssl and ca-certificates for both architectures, of python3-minimal and
    /// libpam-modules-bin (root:shadow setgid unix_chkpwd), and the packages of distroless base.
    /// </summary>
    public static readonly IReadOnlyList<string> Packages =
    [
        "libc6=2.36-9+deb12u14", "libgcc-s1=12.2.0-14+deb12u1", "gcc-12-base=12.2.0-14+deb12u1",
        "libssl3=3.0.22-1~deb12u2", "openssl=3.0.22-1~deb12u2", "ca-certificates=20250419~deb12u2",
        "debconf=1.5.82",
        "libc6:arm64=2.36-9+deb12u14", "libgcc-s1:arm64=12.2.0-14+deb12u1", "gcc-12-base:arm64=12.2.0-14+deb12u1",
        "libssl3:arm64=3.0.22-1~deb12u2", "openssl:arm64=3.0.22-1~deb12u2",
        "libpam-modules-bin=1.5.2-6+deb12u3", "libaudit1=1:3.0.9-1", "libaudit-common=1:3.0.9-1",
        "libcap-ng0=0.8.3-1+b3", "libcrypt1=1:4.4.33-2", "libpam0g=1.5.2-6+deb12u3", "libselinux1=3.4-1+b6",
        "libpcre2-8-0=10.42-1+deb12u2",
        "python3-minimal=3.11.2-1+b1", "python3.11-minimal=3.11.2-6+deb12u9",
        "libpython3.11-minimal=3.11.2-6+deb12u9", "libexpat1=2.5.0-1+deb12u5", "zlib1g=1:1.2.13.dfsg-1+deb12u1",
        "dpkg=1.21.23",
        "base-files=12.4+deb12u15", "netbase=6.4", "tzdata=2026f-0+deb12u1", "media-types=10.0.0",
        "libc-bin=2.36-9+deb12u14", "mawk=1.3.4.20200120-3.1",
    ];

    // amd64 and all packages share the cache of TestRepository, which finds a file by name and
    // version only, so packages of other architectures are kept apart from it.
    private static readonly string _debCache = Path.Combine(TestCache.Root, "debs");

    public BuildArchive()
        : this(Packages)
    {
    }

    private BuildArchive(IEnumerable<string> packages)
    {
        TestRepository.RequireTools();
        Gpg = new TestGpg();
        Fingerprint = Gpg.GenerateKey("Drydock Build Test Archive");
        Root = Directory.CreateTempSubdirectory("drydock-build-repo-").FullName;
        KeyringPath = Path.Combine(Gpg.Home, "build-test.gpg");
        Gpg.ExportPublicKey(Fingerprint, KeyringPath);
        Add(packages);
        Server = new LoopbackFileServer(Root);
    }

    public TestGpg Gpg { get; }

    public string Fingerprint { get; }

    /// <summary>The archive root (holding dists/ and pool/).</summary>
    public string Root { get; }

    public string KeyringPath { get; }

    public LoopbackFileServer Server { get; }

    /// <summary>An archive of other packages, for a test that changes it.</summary>
    public static BuildArchive Of(IEnumerable<string> packages) => new(packages);

    /// <summary>The downloaded .deb of a <c>NAME[:ARCH]=VERSION</c>, from the shared test cache.</summary>
    public static string Download(string package)
    {
        var (nameAndArch, version) = (package.Split('=')[0], package.Split('=')[1]);
        var name = nameAndArch.Split(':')[0];
        var architecture = nameAndArch.Contains(':', StringComparison.Ordinal) ? nameAndArch.Split(':')[1] : "amd64";
        var cache = architecture == "amd64" ? _debCache : _debCache + "-" + architecture;
        Directory.CreateDirectory(cache);
        var escaped = version.Replace(":", "%3a", StringComparison.Ordinal);
        string? Cached() => new[] { architecture, "all" }
            .Select(a => Path.Combine(cache, $"{name}_{escaped}_{a}.deb"))
            .FirstOrDefault(File.Exists);
        using (TestCache.Lock("debs"))
        {
            if (Cached() is { } cached)
            {
                return cached;
            }

            ToolRunner.Run("apt-get", ["download", "-q", package], workingDirectory: cache);
            return Cached() ?? throw new FileNotFoundException($"apt-get download '{package}' wrote no file.");
        }
    }

    /// <summary>Adds packages to the pool, then indexes and signs the suite again.</summary>
    public void Add(IEnumerable<string> packages)
    {
        var pool = Path.Combine(Root, "pool", "main");
        Directory.CreateDirectory(pool);
        foreach (var package in packages)
        {
            var deb = Download(package);
            // The pool names files without the epoch, as Debian's archive does.
            var poolName = Regex.Replace(Path.GetFileName(deb), "_[0-9]+%3a", "_");
            File.Copy(deb, Path.Combine(pool, poolName), overwrite: true);
        }

        var suite = Path.Combine(Root, "dists", Suite);
        foreach (var architecture in Architectures)
        {
            var index = Path.Combine(suite, "main", "binary-" + architecture);
            Directory.CreateDirectory(index);
            var text = ToolRunner.Run("apt-ftparchive", ["--arch", architecture, "packages", "pool/main"],
                workingDirectory: Root);
            TestRepository.WriteIndex(index, text);
        }

        foreach (var stale in new[] { "Release", "InRelease", "Release.gpg" })
        {
            File.Delete(Path.Combine(suite, stale));
        }

        var release = ToolRunner.Run(
            "apt-ftparchive",
            [
                "-o", "APT::FTPArchive::Release::Suite=" + Suite, "-o", "APT::FTPArchive::Release::Codename=" + Suite,
                "-o", "APT::FTPArchive::Release::Architectures=" + string.Join(' ', Architectures),
                "-o", "APT::FTPArchive::Release::Components=main", "release", $"dists/{Suite}",
            ],
            workingDirectory: Root);
        File.WriteAllText(Path.Combine(suite, "Release"), release);
        Gpg.ClearSign(Path.Combine(suite, "Release"), Path.Combine(suite, "InRelease"), Fingerprint);
        Gpg.DetachSign(Path.Combine(suite, "Release"), Path.Combine(suite, "Release.gpg"), Fingerprint);
    }

    /// <summary>A spec for <paramref name="packages"/> from this archive, with a nonroot user.</summary>
    public string Spec(string packages = "[libc6, libssl3, openssl]", string extra = "") => $"""
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
        {extra}
        """;

    public void Dispose()
    {
        Server.Dispose();
        Directory.Delete(Root, recursive: true);
        Gpg.Dispose();
    }
}
