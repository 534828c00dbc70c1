using Drydock.Images.Patch;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// ca-certificates 20230311+deb12u1 upgraded to 20250419~deb12u2, which adds 21 certificates
/// and drops 15, by Drydock and by the image's own <c>apt-get install --only-upgrade</c> in a
/// chroot of the same root.
/// </summary>
public sealed class CaCertificatesUpgradeTests(PatchFixture fixture) : IClassFixture<PatchFixture>
{
    private const string Conf = "etc/ca-certificates.conf";
    private const string Bundle = "etc/ssl/certs/ca-certificates.crt";
    private const string Database = "var/cache/debconf/config.dat";
    private const string NewCertificate = "mozilla/TrustAsia_Global_Root_CA_G4.crt";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upgrade_MatchesApt()
    {
        fixture.Require();
        var expected = AptUpgrade(fixture.Root);

        var actual = await PatchAsync(fixture.Image, "patch/base:ca-upgrade");

        AssertSameCertificates(expected, actual);
        AssertSameFile(expected, actual, Conf + ".dpkg-old");
        AssertSameFile(expected, actual, Database);
        AssertSameFile(expected, actual, Database + "-old");
        Assert.Contains(NewCertificate + "\n", File.ReadAllText(Path.Combine(actual, Conf)), StringComparison.Ordinal);
        Assert.Contains("!mozilla/TrustCor_ECA-1.crt\n", File.ReadAllText(Path.Combine(actual, Conf)), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(actual, "etc/ssl/certs/TrustAsia_Global_Root_CA_G4.pem")));
    }

    [Fact]
    public async Task TrustNewNo_MatchesApt()
    {
        fixture.Require();
        var before = Copy(fixture.Root);
        Chroot(before, "sh", "-c", "echo 'ca-certificates ca-certificates/trust_new_crts select no' | debconf-set-selections");
        var image = await fixture.PushVariantAsync("ca-trust-no", new Dictionary<string, byte[]?>
        {
            [Database] = File.ReadAllBytes(Path.Combine(before, Database)),
            [Database + "-old"] = File.ReadAllBytes(Path.Combine(before, Database + "-old")),
        });
        var expected = AptUpgrade(before);

        var actual = await PatchAsync(image, "patch/base:ca-trust-no");

        AssertSameCertificates(expected, actual);
        AssertSameFile(expected, actual, Database);
        AssertSameFile(expected, actual, Database + "-old");
        Assert.Contains("!" + NewCertificate + "\n", File.ReadAllText(Path.Combine(actual, Conf)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(actual, "etc/ssl/certs/TrustAsia_Global_Root_CA_G4.pem")));
    }

    [Fact]
    public async Task NoDebconfDatabase_TrustsNewAsApt()
    {
        fixture.Require();
        var before = Copy(fixture.Root);
        File.Delete(Path.Combine(before, Database));
        var image = await fixture.PushVariantAsync("ca-no-debconf", new Dictionary<string, byte[]?> { [Database] = null });
        var expected = AptUpgrade(before);

        var actual = await PatchAsync(image, "patch/base:ca-no-debconf");

        AssertSameCertificates(expected, actual);
        Assert.False(File.Exists(Path.Combine(actual, Database)));
        Assert.Contains(NewCertificate + "\n", File.ReadAllText(Path.Combine(actual, Conf)), StringComparison.Ordinal);
    }

    private static void AssertSameCertificates(string expected, string actual)
    {
        AssertSameFile(expected, actual, Conf);
        AssertSameFile(expected, actual, Bundle);
        Assert.Equal(CertsLinks(expected), CertsLinks(actual));
    }

    private static void AssertSameFile(string expected, string actual, string path)
    {
        Assert.True(File.Exists(Path.Combine(expected, path)), $"apt left no '{path}'.");
        Assert.True(File.Exists(Path.Combine(actual, path)), $"The patch left no '{path}'.");
        Assert.Equal(File.ReadAllText(Path.Combine(expected, path)), File.ReadAllText(Path.Combine(actual, path)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(expected, path)), File.ReadAllBytes(Path.Combine(actual, path)));
    }

    // apt-get install --only-upgrade ca-certificates in a copy of the root, as a user would
    // run it in a container: no terminal and the C locale.
    private string AptUpgrade(string root)
    {
        var copy = Copy(root);
        Chroot(copy, "apt-get", "install", "-y", "-q", "--only-upgrade", "ca-certificates");
        return copy;
    }

    private string Copy(string root)
    {
        var copy = Path.Combine(fixture.Directory, "ca-" + Guid.NewGuid().ToString("N"));
        ToolRunner.Run("cp", ["-a", root, copy]);
        return copy;
    }

    private async Task<string> PatchAsync(string image, string output)
    {
        var options = new PatchOptions { Packages = ["ca-certificates"], CacheRoot = Path.Combine(TestCache.Root, "patch-debs") };
        await using (var source = ImageTransports.OpenSource(image, fixture.Options))
        await using (var destination = ImageTransports.OpenDestination($"{fixture.Registry.Host}/{output}", fixture.Options))
        {
            await new ImagePatcher(fixture.Http).PatchAsync(source, destination, options, Cancellation);
        }

        await using var patched = ImageTransports.OpenSource($"{fixture.Registry.Host}/{output}", fixture.Options);
        var resolved = await ResolvedImage.LoadAsync(patched, null, Cancellation);
        var root = Path.Combine(fixture.Directory, "unpacked-" + Guid.NewGuid().ToString("N"));
        await new RootfsUnpacker().UnpackAsync(resolved, root, Cancellation);
        return root;
    }

    // Every entry of /etc/ssl/certs with its link target, or "file" for a regular file.
    private static List<string> CertsLinks(string root) =>
    [
        .. new DirectoryInfo(Path.Combine(root, "etc/ssl/certs")).EnumerateFileSystemInfos()
            .Select(entry => $"{entry.Name} -> {entry.LinkTarget ?? "file"}")
            .Order(StringComparer.Ordinal),
    ];

    private static string Chroot(string root, params string[] command) =>
        ToolRunner.Run(
            "env",
            ["-i", "LC_ALL=C", "DEBIAN_FRONTEND=noninteractive", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "chroot", root, .. command]);
}
