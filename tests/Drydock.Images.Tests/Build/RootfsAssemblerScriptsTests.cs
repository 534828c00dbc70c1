using System.Security.Cryptography;
using Drydock.Images.Build;
using Drydock.Oci.Layers;
using Drydock.Testing.Apt;
using Drydock.Testing.Debs;
using Drydock.Testing.Rootfs;

namespace Drydock.Images.Tests.Build;

public sealed class RootfsAssemblerScriptsTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("drydock-assembler-test-");

    [Fact]
    public async Task CaCertificates_MatchTheirPostinst()
    {
        var root = await AssembleAsync("libc6", "ca-certificates");
        var reference = InstallWithPostinst(DebFixtures.Require("ca-certificates"));

        Assert.Equal(
            File.ReadAllBytes(Path.Combine(reference, "etc/ca-certificates.conf")),
            File.ReadAllBytes(Path.Combine(root, "etc/ca-certificates.conf")));
        Assert.Equal(Describe(Path.Combine(reference, "etc/ssl/certs")), Describe(Path.Combine(root, "etc/ssl/certs")));
    }

    [Fact]
    public async Task LdSoCache_MatchesRealLdconfig()
    {
        var root = await AssembleAsync("libc6", "zlib1g");
        var cache = Path.Combine(root, "etc/ld.so.cache");
        var native = File.ReadAllBytes(cache);
        File.Delete(cache);

        ToolRunner.Run("ldconfig", ["-X", "-r", root]);

        Assert.Equal(File.ReadAllBytes(cache), native);
    }

    [Fact]
    public async Task NoLoader_NoCache()
    {
        var root = await AssembleAsync("tzdata");

        Assert.False(File.Exists(Path.Combine(root, "etc/ld.so.cache")));
        Assert.False(Directory.Exists(Path.Combine(root, "etc/ssl")));
    }

    public void Dispose() => _work.Delete(recursive: true);

    // Installs the package afresh with dpkg in a copy of a real root, so its postinst and
    // update-ca-certificates run with debconf's defaults.
    private string InstallWithPostinst(string deb)
    {
        var root = Path.Combine(_work.FullName, "reference");
        ToolRunner.Run("cp", ["-a", DebianRootfs.BookwormCaCertificates() + "/.", root]);
        File.Copy(deb, Path.Combine(root, "tmp/ca-certificates.deb"));
        string[] environment = ["-i", "LC_ALL=C", "DEBIAN_FRONTEND=noninteractive", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"];
        ToolRunner.Run("env", [.. environment, "chroot", root, "dpkg", "--purge", "ca-certificates"]);
        ToolRunner.Run("env", [.. environment, "chroot", root, "dpkg", "-i", "/tmp/ca-certificates.deb"]);
        return root;
    }

    // Lays real packages as a build does, writes the layer and unpacks it with tar.
    private async Task<string> AssembleAsync(params string[] packages)
    {
        var assembler = new RootfsAssembler(new SpecPaths());
        foreach (var package in packages)
        {
            var path = DebFixtures.Require(package);
            var version = ToolRunner.Run("dpkg-deb", ["--field", path, "Version"]).Trim();
            assembler.AddPackage(path, Locked(package, version));
        }

        var layer = Path.Combine(_work.FullName, "layer.tar");
        await using (var output = File.Create(layer))
        {
            await assembler.ToLayers(BuildLayering.Single).Single().WriteAsync(output, LayerCompression.None, TestContext.Current.CancellationToken);
        }

        var root = Directory.CreateDirectory(Path.Combine(_work.FullName, "root")).FullName;
        ToolRunner.Run("tar", ["-xf", layer, "-C", root]);
        return root;
    }

    private static LockedPackage Locked(string name, string version) => new()
    {
        Name = name,
        Version = version,
        Architecture = "amd64",
        Sha256 = "",
        Size = 0,
        Source = name,
        SourceVersion = version,
        Repository = "",
        Filename = "",
        Url = "",
    };

    private static SortedDictionary<string, string> Describe(string directory)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            result[entry.Name] = entry.LinkTarget is { } target
                ? "-> " + target
                : Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(entry.FullName)));
        }

        return result;
    }
}
