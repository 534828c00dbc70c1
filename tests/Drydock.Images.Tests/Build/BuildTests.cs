using System.Text.Json;
using Drydock.Images.Build;
using Drydock.Packages.Apt;
using Drydock.Packages.Inventory;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Build;

public sealed class BuildTests(BuildArchive archive) : IClassFixture<BuildArchive>, IDisposable
{
    private static readonly HttpClient _http = new();
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("drydock-build-test-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lock_ListsTheClosureWithHashes()
    {
        var buildLock = await LockAsync();

        Assert.Equal(
            ["gcc-12-base", "libc6", "libgcc-s1", "libssl3", "openssl"],
            buildLock.Packages.Select(p => p.Name));
        Assert.All(buildLock.Packages, p =>
        {
            Assert.Matches("^[0-9a-f]{64}$", p.Sha256);
            Assert.StartsWith(archive.Server.BaseUri.ToString(), p.Url, StringComparison.Ordinal);
        });
        Assert.Equal("openssl", buildLock.Packages.Single(p => p.Name == "libssl3").Source);
    }

    [Fact]
    public async Task Lock_RoundTripsThroughItsFile()
    {
        var buildLock = await LockAsync();
        var path = Path.Combine(_work.FullName, "spec.lock.json");

        buildLock.Write(path);

        Assert.Equal(buildLock.ToBytes(), BuildLock.Read(path).ToBytes());
    }

    [Fact]
    public async Task Lock_OfAnotherSpec_IsRefused()
    {
        var buildLock = await LockAsync();
        var changed = Spec("[libc6, openssl]");

        var error = Assert.Throws<InvalidDataException>(() => buildLock.EnsureMatches(changed, "spec.lock.json"));

        Assert.Contains("spec.lock.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForBuild_UsesTheLockFile()
    {
        var buildLock = await LockAsync();
        var pinned = buildLock with { Packages = buildLock.Packages.Take(1).ToList() };
        pinned.Write(BuildLock.PathFor(Spec().Path));

        var used = await PackageLocker.ForBuildAsync(Spec(), _http, cancellationToken: Token);

        Assert.Equal(pinned.ToBytes(), used.ToBytes());
    }

    [Fact]
    public async Task ForBuild_RefusesAStaleLockFile()
    {
        (await LockAsync()).Write(BuildLock.PathFor(Spec().Path));

        await Assert.ThrowsAsync<InvalidDataException>(
            () => PackageLocker.ForBuildAsync(Spec("[libc6]"), _http, cancellationToken: Token));
    }

    [Fact]
    public async Task Build_IsReproducible()
    {
        var buildLock = await LockAsync();

        var first = await BuildAsync(buildLock, "first");
        var second = await BuildAsync(buildLock, "second");

        Assert.Equal(first.Manifest, second.Manifest);
        Assert.Equal(File.ReadAllBytes(IndexPath("first")), File.ReadAllBytes(IndexPath("second")));
    }

    [Fact]
    public async Task Build_RunsOpensslInChroot()
    {
        RequireRoot();
        var root = await BuildAndUnpackAsync();

        var version = ToolRunner.Run("chroot", [root, "/usr/bin/openssl", "version"]);

        Assert.StartsWith("OpenSSL 3.0.", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_LaysMergedUsrAndAccounts()
    {
        var root = await BuildAndUnpackAsync();

        Assert.Equal("usr/lib", new FileInfo(Path.Combine(root, "lib")).LinkTarget);
        Assert.Equal("usr/bin", new FileInfo(Path.Combine(root, "bin")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(root, "usr/lib/x86_64-linux-gnu/libc.so.6")));
        Assert.Contains("nonroot:x:65532:65532:", File.ReadAllText(Path.Combine(root, "etc/passwd")), StringComparison.Ordinal);
        Assert.Equal("drwxrwxrwt", ToolRunner.Run("stat", ["-c", "%A", Path.Combine(root, "tmp")]).Trim());
        Assert.True(File.Exists(Path.Combine(root, "usr/share/doc/libc6/copyright")));
        Assert.False(Directory.Exists(Path.Combine(root, "usr/share/man")));
    }

    [Fact]
    public async Task Build_InventoryListsExactlyTheLockedPackages()
    {
        var buildLock = await LockAsync();
        await BuildAsync(buildLock, "image");
        var root = Unpack("image");

        var inventory = PackageInventory.Read(new DirectoryRootFileSystem(root));

        Assert.Equal(
            buildLock.Packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}"),
            inventory.Packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Build_WrongSha256_WritesNothing()
    {
        var buildLock = await LockAsync();
        var wrong = new string('0', 64);
        var tampered = buildLock with
        {
            Packages = [.. buildLock.Packages.Select(p => p.Name == "openssl" ? p with { Sha256 = wrong } : p)],
        };

        var error = await Assert.ThrowsAsync<AptHashMismatchException>(() => BuildAsync(tampered, "image"));

        Assert.Equal(wrong, error.Expected);
        Assert.False(Directory.Exists(Path.Combine(_work.FullName, "image")));
    }

    public void Dispose() => _work.Delete(recursive: true);

    private BuildSpec Spec(string packages = "[libc6, libssl3, openssl]")
    {
        var path = Path.Combine(_work.FullName, "spec.yaml");
        File.WriteAllText(path, archive.Spec(packages));
        return BuildSpecReader.ReadFile(path);
    }

    private Task<BuildLock> LockAsync() => PackageLocker.LockAsync(Spec(), _http, cancellationToken: Token);

    private Task<BuildResult> BuildAsync(BuildLock buildLock, string name)
    {
        var options = new BuildOptions { Http = _http, CacheRoot = Path.Combine(_work.FullName, "cache") };
        return ImageBuilder.BuildAsync(Spec(), buildLock, "oci:" + Path.Combine(_work.FullName, name), options, Token);
    }

    private string IndexPath(string name) => Path.Combine(_work.FullName, name, "index.json");

    private async Task<string> BuildAndUnpackAsync()
    {
        await BuildAsync(await LockAsync(), "image");
        return Unpack("image");
    }

    // Reads the layout as a runtime would: index, manifest, then the one layer, unpacked by tar.
    private string Unpack(string name)
    {
        var layout = Path.Combine(_work.FullName, name);
        string Blob(string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);
        using var index = JsonDocument.Parse(File.ReadAllBytes(IndexPath(name)));
        var manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Blob(manifestDigest)));
        var layer = Assert.Single(manifest.RootElement.GetProperty("layers").EnumerateArray());
        var root = Path.Combine(_work.FullName, name + "-root");
        Directory.CreateDirectory(root);
        ToolRunner.Run("tar", ["-xzf", Blob(layer.GetProperty("digest").GetString()!), "-C", root]);
        return root;
    }

    private static void RequireRoot()
    {
        if (Environment.UserName != "root" || !ToolRunner.Exists("chroot"))
        {
            Assert.Skip("Running binaries of the image needs root and chroot.");
        }
    }
}
