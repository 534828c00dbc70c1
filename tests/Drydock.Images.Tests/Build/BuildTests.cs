using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Drydock.Images.Build;
using Drydock.Images.Inventory;
using Drydock.Images.Scan;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt;
using Drydock.Packages.Inventory;
using Drydock.Testing;
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
    public async Task Build_VerifiesACertificateAgainstItsBundle()
    {
        RequireRoot();
        var spec = Spec("[libc6, libssl3, openssl, ca-certificates]", "exclude: [debconf]");
        await BuildAsync(await LockAsync(spec), "certificates", spec: spec);
        var root = Unpack("certificates");
        var certificate = "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt";

        var byBundle = ToolRunner.Run("chroot",
            [root, "/usr/bin/openssl", "verify", "-CAfile", "/etc/ssl/certs/ca-certificates.crt", certificate]);
        var byHashLinks = ToolRunner.Run("chroot",
            [root, "/usr/bin/openssl", "verify", "-CApath", "/etc/ssl/certs", certificate]);

        Assert.Equal($"{certificate}: OK", byBundle.Trim());
        Assert.Equal($"{certificate}: OK", byHashLinks.Trim());
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
    public async Task Build_ScanSeesOnlyLockedPackages()
    {
        var spec = Spec("[base-files, libc6, libssl3, openssl]");
        var buildLock = await LockAsync(spec);
        await BuildAsync(buildLock, "scanned", spec: spec);
        await using var source = ImageTransports.OpenSource(
            "oci:" + Path.Combine(_work.FullName, "scanned"), new ImageTransportOptions());
        var image = await ResolvedImage.LoadAsync(source, Platform.Parse("linux/amd64"), Token);

        var inventory = await ImageInventory.ReadAsync(image, null, Token);
        using var store = Scan.ScanImages.DebianOsvSample(_work.FullName);
        var scan = new ImageScanner(store).Scan(inventory);

        Assert.Equal(
            buildLock.Packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}"),
            inventory.Packages.Select(p => $"{p.Package.Name} {p.Package.Version} {p.Package.Architecture}")
                .Order(StringComparer.Ordinal));
        Assert.Equal("debian:12", scan.Namespace.ToString());
        Assert.All(scan.Findings, finding => Assert.Contains(buildLock.Packages,
            p => p.Name == finding.Finding.Package.Name && p.Version == finding.Finding.Package.Version));
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

    [Fact]
    public async Task Build_KeepsPackageOwnersAndModes()
    {
        var spec = Spec("[libpam-modules-bin]");
        await BuildAsync(await LockAsync(spec), "image", spec: spec);
        var root = Unpack("image");

        var chkpwd = Path.Combine(root, "usr/sbin/unix_chkpwd");

        Assert.Equal("2755 0 42", ToolRunner.Run("stat", ["-c", "%a %u %g", chkpwd]).Trim());
        Assert.Contains("shadow:x:42:", File.ReadAllText(Path.Combine(root, "etc/group")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_TwoArchitectures_WritesOneIndex()
    {
        var spec = Spec("[libc6, libssl3, openssl, ca-certificates]", "architectures: [amd64, arm64]\nexclude: [debconf]");
        var buildLock = await LockAsync(spec);

        var result = await BuildAsync(buildLock, "image", spec: spec);

        Assert.Equal("application/vnd.oci.image.index.v1+json", result.Root.MediaType);
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], result.Images.Select(i => i.Platform.ToString()));
        Assert.Equal(["all"], buildLock.Packages.Where(p => p.ImageArchitectures!.Count == 2)
            .Select(p => p.Architecture).Distinct());
        Assert.DoesNotContain(buildLock.Packages, p => p.Name == "debconf");
        Assert.Contains(result.Images[1].Packages, p => p is { Name: "openssl", Architecture: "arm64" });
    }

    [Fact]
    public async Task Build_Arm64Image_RunsOpensslUnderQemu()
    {
        if (!ToolRunner.Exists("qemu-aarch64-static"))
        {
            Assert.Skip("qemu-aarch64-static is not installed; run scripts/install-test-deps.");
        }

        var spec = Spec("[libc6, libssl3, openssl, ca-certificates]", "architectures: [amd64, arm64]\nexclude: [debconf]");
        await BuildAsync(await LockAsync(spec), "image", spec: spec);
        var root = Unpack("image", "arm64");

        var version = ToolRunner.Run("qemu-aarch64-static", ["-L", root, Path.Combine(root, "usr/bin/openssl"), "version"]);

        Assert.StartsWith("OpenSSL 3.0.", version, StringComparison.Ordinal);
        Assert.Contains("ARM aarch64", ToolRunner.Run("file", ["-L", Path.Combine(root, "usr/bin/openssl")]),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_SourceLayering_GivesTheSameTree()
    {
        var buildLock = await LockAsync();

        await BuildAsync(buildLock, "single");
        var result = await BuildAsync(buildLock, "layered", BuildLayering.Source);
        var again = await BuildAsync(buildLock, "layered-again", BuildLayering.Source);

        var sources = buildLock.Packages.Select(p => p.Source).Distinct().Count();
        Assert.Equal(1 + sources, Layers("layered").Count);
        Assert.Equal(Listing(Unpack("single")), Listing(Unpack("layered")));
        Assert.Equal(result.Manifest, again.Manifest);
    }

    [Fact]
    public async Task Build_PythonMinimal_RunsInChroot()
    {
        RequireRoot();
        var spec = Spec("[python3-minimal]", "exclude: [dpkg]");
        await BuildAsync(await LockAsync(spec), "image", spec: spec);
        var root = Unpack("image");

        var output = ToolRunner.Run("chroot", [root, "/usr/bin/python3", "-c", "print(1)"]);

        Assert.Equal("1", output.Trim());
    }

    [Fact]
    public async Task Build_DistrolessBaseSpec_HasTheSamePackages()
    {
        var distroless = SharedData.Require("pkgdb-fixtures/dpkg/distroless-bookworm.lock.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(distroless));
        string[] ccOnly = ["gcc-12-base", "libgcc-s1", "libgomp1", "libstdc++6"];
        var basePackages = document.RootElement.GetProperty("packages").EnumerateArray()
            .Where(p => p.GetProperty("arch").GetString() == "amd64")
            .Select(p => p.GetProperty("name").GetString()!)
            .Where(n => !ccOnly.Contains(n))
            .Order(StringComparer.Ordinal).ToList();
        var spec = Spec($"[{string.Join(", ", basePackages)}]", "exclude: [debconf, mawk, libgcc-s1]");

        var buildLock = await LockAsync(spec);
        await BuildAsync(buildLock, "image", spec: spec);
        var inventory = PackageInventory.Read(new DirectoryRootFileSystem(Unpack("image")));

        Assert.Equal(basePackages, buildLock.Packages.Select(p => p.Name));
        Assert.Equal(basePackages, inventory.Packages.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Build_OnAnotherDay_GivesTheSameDigests()
    {
        var buildLock = await LockAsync();
        var first = await BuildAsync(buildLock, "first");
        var later = DateTime.UtcNow.AddDays(400);
        foreach (var file in Directory.EnumerateFiles(_work.FullName, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/first/", StringComparison.Ordinal)))
        {
            File.SetLastWriteTimeUtc(file, later);
        }

        var second = await BuildAsync(buildLock, "second");

        Assert.Equal(first.Manifest, second.Manifest);
    }

    [Fact]
    public async Task Build_FromCache_WhenTheRepositoryIsGone()
    {
        var buildLock = await LockAsync();
        await BuildAsync(buildLock, "first");
        var unreachable = buildLock with
        {
            Packages = [.. buildLock.Packages.Select(p => p with { Repository = "http://127.0.0.1:9/" })],
        };

        var result = await BuildAsync(unreachable, "second");

        Assert.Equal(buildLock.Packages.Count, result.Packages.Count);
    }

    [Fact]
    public async Task Build_PathEscapeInPackage_WritesNothing()
    {
        var buildLock = await LockAsync();
        var hostile = HostileDeb("openssl", buildLock.Packages.Single(p => p.Name == "openssl").Version);
        var hex = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(hostile));
        var cache = Path.Combine(_work.FullName, "cache", "debs", "sha256");
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, hex), hostile);
        var tampered = buildLock with
        {
            Packages = [.. buildLock.Packages.Select(p => p.Name == "openssl"
                ? p with { Sha256 = hex, Size = hostile.Length }
                : p)],
        };

        var error = await Assert.ThrowsAsync<IOException>(() => BuildAsync(tampered, "image"));

        Assert.Contains("../escape", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work.FullName, "image")));
    }

    [Fact]
    public async Task LockFile_IsKeptUntilUpdate()
    {
        string[] closure = ["libc6=2.36-9+deb12u14", "libgcc-s1=12.2.0-14+deb12u1", "gcc-12-base=12.2.0-14+deb12u1"];
        using var changing = BuildArchive.Of([.. closure, "libssl3=3.0.20-1~deb12u2"]);
        var spec = Spec("[libssl3]", from: changing);
        await PackageLocker.WriteLockFileAsync(spec, _http, update: false, cancellationToken: Token);
        changing.Add(["libssl3=3.0.22-1~deb12u2"]);

        var (kept, keptChanged) = await PackageLocker.WriteLockFileAsync(spec, _http, update: false,
            cancellationToken: Token);
        var (updated, updatedChanged) = await PackageLocker.WriteLockFileAsync(spec, _http, update: true,
            cancellationToken: Token);

        Assert.False(keptChanged);
        Assert.Equal("3.0.20-1~deb12u2", kept.Packages.Single(p => p.Name == "libssl3").Version);
        Assert.True(updatedChanged);
        Assert.Equal("3.0.22-1~deb12u2", updated.Packages.Single(p => p.Name == "libssl3").Version);
        Assert.Equal(updated.ToBytes(), File.ReadAllBytes(BuildLock.PathFor(spec.Path)));
    }

    [Fact]
    public async Task Referrers_AttachSbomToLayout()
    {
        var result = await BuildAsync(await LockAsync(), "image", tag: "latest");
        var sbom = Encoding.UTF8.GetBytes("{\"bomFormat\":\"CycloneDX\"}");
        var output = "oci:" + Path.Combine(_work.FullName, "image");

        var attached = await Referrers.AttachAsync(output,
            [new Referrer(result.Root, "application/vnd.cyclonedx+json", sbom, DateTimeOffset.UnixEpoch)],
            new Drydock.Oci.Transports.ImageTransportOptions(), Token);

        var manifest = Assert.Single(attached).ParseManifest();
        Assert.Equal(result.Manifest, manifest.Subject!.Digest);
        Assert.Equal("application/vnd.cyclonedx+json", manifest.ArtifactType);
        Assert.Contains(attached[0].Digest.ToString(), File.ReadAllText(IndexPath("image")), StringComparison.Ordinal);
        if (ToolRunner.Exists("skopeo"))
        {
            var raw = ToolRunner.Run("skopeo", ["inspect", "--raw", $"oci:{Path.Combine(_work.FullName, "image")}:latest"]);
            var config = result.Images[0].Manifest.ParseManifest().Config.Digest.ToString();
            Assert.Contains(config, raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Referrers_AttachSbomInRegistry()
    {
        await using var registry = await Drydock.Testing.Registry.RegistryServer.StartAsync();
        var output = $"{registry.Host}/build/base:latest";
        var options = new BuildOptions { Http = _http, CacheRoot = Path.Combine(_work.FullName, "cache") };
        var result = await ImageBuilder.BuildAsync(Spec(), await LockAsync(), output, options, Token);
        var sbom = Encoding.UTF8.GetBytes("{\"spdxVersion\":\"SPDX-2.3\"}");

        var attached = await Referrers.AttachAsync(output,
            [new Referrer(result.Root, "application/spdx+json", sbom, DateTimeOffset.UnixEpoch)],
            new Drydock.Oci.Transports.ImageTransportOptions(), Token);

        var byDigest = ToolRunner.Run("skopeo",
            ["inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/build/base@{attached[0].Digest}"]);
        Assert.Contains(result.Manifest.Hex, byDigest, StringComparison.Ordinal);
        var tagged = ToolRunner.Run("skopeo",
            ["inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/build/base:sha256-{result.Manifest.Hex}"]);
        Assert.Contains(attached[0].Digest.ToString(), tagged, StringComparison.Ordinal);
        Assert.Contains("application/spdx+json", tagged, StringComparison.Ordinal);

        var cyclone = Encoding.UTF8.GetBytes("{\"bomFormat\":\"CycloneDX\"}");
        var second = await Referrers.AttachAsync(output,
            [new Referrer(result.Root, "application/vnd.cyclonedx+json", cyclone, DateTimeOffset.UnixEpoch)],
            new Drydock.Oci.Transports.ImageTransportOptions(), Token);
        var merged = ToolRunner.Run("skopeo",
            ["inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/build/base:sha256-{result.Manifest.Hex}"]);
        Assert.Contains(attached[0].Digest.ToString(), merged, StringComparison.Ordinal);
        Assert.Contains(second[0].Digest.ToString(), merged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Referrers_TagHoldingAnImage_IsRefused()
    {
        await using var registry = await Drydock.Testing.Registry.RegistryServer.StartAsync();
        var options = new BuildOptions { Http = _http, CacheRoot = Path.Combine(_work.FullName, "cache") };
        var result = await ImageBuilder.BuildAsync(Spec(), await LockAsync(),
            $"{registry.Host}/build/base:latest", options, Token);
        var squatted = $"{registry.Host}/build/base:sha256-{result.Manifest.Hex}";
        ToolRunner.Run("skopeo", ["copy", "--dest-tls-verify=false", "--src-tls-verify=false",
            $"docker://{registry.Host}/build/base:latest", $"docker://{squatted}"]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Referrers.AttachAsync(
            $"{registry.Host}/build/base:latest",
            [new Referrer(result.Root, "application/spdx+json", "{}"u8.ToArray(), DateTimeOffset.UnixEpoch)],
            new Drydock.Oci.Transports.ImageTransportOptions(), Token));

        Assert.Contains(squatted, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LockRead_Malformed_NamesTheFile()
    {
        var path = Path.Combine(_work.FullName, "spec.lock.json");
        File.WriteAllText(path, "{\"lockVersion\": 1, \"inputs\": [");

        var error = Assert.Throws<InvalidDataException>(() => BuildLock.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lock_UnknownArchitecture_IsRejected()
    {
        var spec = Spec("[libc6]", "architectures: [amd46]");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LockAsync(spec));

        Assert.Contains("'amd46'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lock_RequestedAndExcluded_IsRejected()
    {
        var spec = Spec("[libc6, openssl]", "exclude: [openssl]");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => LockAsync(spec));

        Assert.Contains("'openssl'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Delete(recursive: true);

    private static string Listing(string root) => ToolRunner.Run("sh", ["-c",
        $"cd '{root}' && find . -printf '%p %y %m %U %G %s %l\\n' | LC_ALL=C sort"]);

    // A .deb whose data.tar climbs out of the root: ar of debian-binary, control.tar.gz and
    // data.tar.gz, written by hand because dpkg-deb refuses to build such a package.
    private static byte[] HostileDeb(string name, string version)
    {
        static byte[] TarGz(string entryName, string content)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            using (var tar = new TarWriter(gzip))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                });
            }

            return buffer.ToArray();
        }

        var control = $"Package: {name}\nVersion: {version}\nArchitecture: amd64\nDescription: hostile\n";
        var members = new (string Name, byte[] Content)[]
        {
            ("debian-binary", "2.0\n"u8.ToArray()),
            ("control.tar.gz", TarGz("./control", control)),
            ("data.tar.gz", TarGz("./../escape", "outside")),
        };
        using var deb = new MemoryStream();
        deb.Write("!<arch>\n"u8);
        foreach (var (memberName, content) in members)
        {
            var header = $"{memberName,-16}{"0",-12}{"0",-6}{"0",-6}{"100644",-8}{content.Length,-10}`\n";
            deb.Write(Encoding.ASCII.GetBytes(header));
            deb.Write(content);
            if (content.Length % 2 == 1)
            {
                deb.WriteByte((byte)'\n');
            }
        }

        return deb.ToArray();
    }

    private BuildSpec Spec(string packages = "[libc6, libssl3, openssl]", string extra = "",
        BuildArchive? from = null)
    {
        var path = Path.Combine(_work.FullName, "spec.yaml");
        File.WriteAllText(path, (from ?? archive).Spec(packages, extra));
        return BuildSpecReader.ReadFile(path);
    }

    private Task<BuildLock> LockAsync(BuildSpec? spec = null) =>
        PackageLocker.LockAsync(spec ?? Spec(), _http, cancellationToken: Token);

    private Task<BuildResult> BuildAsync(BuildLock buildLock, string name,
        BuildLayering layering = BuildLayering.Single, BuildSpec? spec = null, string tag = "")
    {
        var options = new BuildOptions
        {
            Http = _http,
            CacheRoot = Path.Combine(_work.FullName, "cache"),
            Layering = layering,
        };
        var output = "oci:" + Path.Combine(_work.FullName, name) + (tag.Length > 0 ? ":" + tag : "");
        return ImageBuilder.BuildAsync(spec ?? Spec(), buildLock, output, options, Token);
    }

    private string IndexPath(string name) => Path.Combine(_work.FullName, name, "index.json");

    private async Task<string> BuildAndUnpackAsync()
    {
        await BuildAsync(await LockAsync(), "image");
        return Unpack("image");
    }

    // Reads the layout as a runtime would: index, manifest (the architecture's one under an
    // image index), then each layer in order, unpacked by tar with the owners it records.
    private string Unpack(string name, string architecture = "amd64")
    {
        var root = Path.Combine(_work.FullName, $"{name}-{architecture}-root");
        Directory.CreateDirectory(root);
        foreach (var layer in Layers(name, architecture))
        {
            ToolRunner.Run("tar", ["--numeric-owner", "-xzf", layer, "-C", root]);
        }

        return root;
    }

    private List<string> Layers(string name, string architecture = "amd64")
    {
        var layout = Path.Combine(_work.FullName, name);
        string Blob(string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);
        using var index = JsonDocument.Parse(File.ReadAllBytes(IndexPath(name)));
        var root = index.RootElement.GetProperty("manifests")[0];
        var manifestDigest = root.GetProperty("digest").GetString()!;
        if (root.GetProperty("mediaType").GetString() == "application/vnd.oci.image.index.v1+json")
        {
            using var images = JsonDocument.Parse(File.ReadAllBytes(Blob(manifestDigest)));
            manifestDigest = images.RootElement.GetProperty("manifests").EnumerateArray()
                .Single(m => m.GetProperty("platform").GetProperty("architecture").GetString() == architecture)
                .GetProperty("digest").GetString()!;
        }

        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Blob(manifestDigest)));
        return manifest.RootElement.GetProperty("layers").EnumerateArray()
            .Select(l => Blob(l.GetProperty("digest").GetString()!)).ToList();
    }

    private static void RequireRoot()
    {
        if (Environment.UserName != "root" || !ToolRunner.Exists("chroot"))
        {
            Assert.Skip("Running binaries of the image needs root and chroot.");
        }
    }
}
