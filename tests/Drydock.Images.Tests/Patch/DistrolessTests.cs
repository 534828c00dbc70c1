using Drydock.Images.Inventory;
using Drydock.Images.Patch;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt.Sources;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// A distroless-style image: the files of libc6, openssl, libssl3 and libexpat1 from the
/// bookworm point release, one <c>status.d</c> record and <c>.md5sums</c> per package, and no
/// dpkg, shell or <c>/var/lib/dpkg/status</c>. libexpat1's record has a name of its own.
/// </summary>
public sealed class DistrolessTests(PatchFixture fixture) : IClassFixture<PatchFixture>
{
    private const string ExpatRecord = "libexpat1-bookworm";

    private static readonly string[] _packages = ["gcc-12-base", "libc6", "libgcc-s1", "libssl3", "openssl", "libexpat1"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Patch_UpdatesStatusDirectoryRecords()
    {
        fixture.Require();
        var image = await PushDistrolessAsync("distroless");

        var result = await PatchAsync(image, "distroless-patched");

        var names = result.Packages.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["libexpat1", "libssl3", "openssl"], names);
        var root = await UnpackAsync("distroless-patched");
        var records = Directory.GetFiles(Path.Combine(root, "var/lib/dpkg/status.d")).Select(Path.GetFileName);
        Assert.Equal(
            _packages.Select(RecordName).SelectMany(n => new[] { n, n + ".md5sums" }).Order(StringComparer.Ordinal),
            records.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(root, "var/lib/dpkg/status")));
        Assert.False(Directory.Exists(Path.Combine(root, "var/lib/dpkg/info")));
        Assert.StartsWith("OpenSSL 3.0.22", ToolRunner.Run("chroot", [root, "/usr/bin/openssl", "version"]));
    }

    [Fact]
    public async Task Patch_StatusDirectoryPassesHostDpkg()
    {
        fixture.Require();
        var image = await PushDistrolessAsync("distroless-dpkg");
        await PatchAsync(image, "distroless-dpkg-patched");
        var root = await UnpackAsync("distroless-dpkg-patched");

        var admin = Path.Combine(root, "tmp/admin");
        Directory.CreateDirectory(Path.Combine(admin, "info"));
        Directory.CreateDirectory(Path.Combine(admin, "updates"));
        var statusDirectory = Path.Combine(root, "var/lib/dpkg/status.d");
        var stanzas = _packages.Select(p => File.ReadAllText(Path.Combine(statusDirectory, RecordName(p))).Trim('\n')).ToList();
        File.WriteAllText(Path.Combine(admin, "status"), string.Join("\n\n", stanzas) + "\n");

        // dpkg wants a file list per package, which the md5sums beside each record provide, and
        // the info format 1 that names Multi-Arch: same files PACKAGE:ARCH.
        File.WriteAllText(Path.Combine(admin, "info", "format"), "1\n");
        foreach (var (package, stanza) in _packages.Zip(stanzas))
        {
            var name = stanza.Contains("\nMulti-Arch: same", StringComparison.Ordinal) ? package + ":amd64" : package;
            var md5sums = File.ReadAllLines(Path.Combine(statusDirectory, RecordName(package) + ".md5sums"));
            File.WriteAllLines(Path.Combine(admin, "info", name + ".list"), md5sums.Select(line => "/" + line[34..]));
            File.WriteAllLines(Path.Combine(admin, "info", name + ".md5sums"), md5sums);
        }

        Assert.Equal("", ToolRunner.Run("dpkg", ["--admindir=" + admin, "--audit"]).Trim());
        var installed = ToolRunner.Run("dpkg-query", ["--admindir=" + admin, "-W", "-f", "${Package} ${Version}\n"]);
        foreach (var expected in fixture.ExpectedUpgrades.Where(u => _packages.Contains(u.Split(' ')[0])))
        {
            Assert.Contains(expected, installed.Split('\n'));
        }

        foreach (var package in _packages)
        {
            var md5sums = Path.Combine(statusDirectory, RecordName(package) + ".md5sums");
            ToolRunner.Run("md5sum", ["--check", "--quiet", md5sums], workingDirectory: root);
        }
    }

    [Fact]
    public async Task Patch_StatusDirectoryReadsBackInInventory()
    {
        fixture.Require();
        var image = await PushDistrolessAsync("distroless-inventory");
        await PatchAsync(image, "distroless-inventory-patched");

        await using var source = ImageTransports.OpenSource(Reference("distroless-inventory-patched"), fixture.Options);
        var resolved = await ResolvedImage.LoadAsync(source, null, Cancellation);
        var inventory = await ImageInventory.ReadAsync(resolved, null, Cancellation);

        Assert.Empty(inventory.Diagnostics);
        var libssl = Assert.Single(inventory.Packages, p => p.Package.Name == "libssl3");
        Assert.Equal("3.0.22-1~deb12u2", libssl.Package.Version);
        Assert.Equal(1, libssl.LayerIndex);
        var expat = Assert.Single(inventory.Packages, p => p.Package.Name == "libexpat1");
        Assert.Equal("2.5.0-1+deb12u5", expat.Package.Version);
        Assert.Equal(_packages.Length, inventory.Packages.Count);
    }

    private static string RecordName(string package) => package == "libexpat1" ? ExpatRecord : package;

    private string Reference(string tag) => $"{fixture.Registry.Host}/patch/distroless:{tag}";

    // Copies each package's files out of the mmdebstrap root with GNU tar, keeping the merged-/usr
    // links, and writes its status stanza and md5sums as a status.d record.
    private async Task<string> PushDistrolessAsync(string tag)
    {
        var root = Path.Combine(fixture.Directory, "distroless-" + Guid.NewGuid().ToString("N"));
        var statusDirectory = Path.Combine(root, "var/lib/dpkg/status.d");
        Directory.CreateDirectory(statusDirectory);
        foreach (var link in new[] { "bin", "sbin", "lib", "lib64" })
        {
            Directory.CreateDirectory(Path.Combine(root, "usr", link));
            File.CreateSymbolicLink(Path.Combine(root, link), "usr/" + link);
        }

        var info = Path.Combine(fixture.Root, "var/lib/dpkg/info");
        var stanzas = File.ReadAllText(Path.Combine(fixture.Root, "var/lib/dpkg/status")).Split("\n\n");
        var paths = new List<string> { "./etc/os-release", "./usr/lib/os-release" };
        foreach (var package in _packages)
        {
            var prefix = File.Exists(Path.Combine(info, package + ".list")) ? package : package + ":amd64";
            paths.AddRange(File.ReadAllLines(Path.Combine(info, prefix + ".list")).Where(l => l != "/.").Select(l => "." + l));
            var stanza = stanzas.Single(s => s.StartsWith($"Package: {package}\n", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(statusDirectory, RecordName(package)), stanza.Trim('\n') + "\n");
            File.Copy(Path.Combine(info, prefix + ".md5sums"), Path.Combine(statusDirectory, RecordName(package) + ".md5sums"));
        }

        var listFile = Path.Combine(fixture.Directory, $"paths-{Guid.NewGuid():N}");
        File.WriteAllLines(listFile, paths);
        var tar = listFile + ".tar";
        ToolRunner.Run("tar", ["-C", fixture.Root, "--no-recursion", "-cf", tar, "-T", listFile]);
        ToolRunner.Run("tar", ["-C", root, "--keep-directory-symlink", "-xf", tar]);
        var reference = Reference(tag);
        await fixture.PushRootAsync(root, reference);
        return reference;
    }

    private async Task<PatchResult> PatchAsync(string image, string tag)
    {
        var keyring = Path.Combine(fixture.Root, PatchFixture.KeyringInRoot.TrimStart('/'));
        var repo = SourcesListParser.ParseLine(
            $"deb [signed-by={keyring}] {fixture.Repository} {PatchFixture.SecuritySuite} main");
        var options = new PatchOptions
        {
            UseImageSources = false,
            ExtraSources = [repo],
            CacheRoot = Path.Combine(TestCache.Root, "patch-debs"),
        };
        await using var source = ImageTransports.OpenSource(image, fixture.Options);
        await using var destination = ImageTransports.OpenDestination(Reference(tag), fixture.Options);
        return await new ImagePatcher(fixture.Http).PatchAsync(source, destination, options, Cancellation);
    }

    private async Task<string> UnpackAsync(string tag)
    {
        await using var source = ImageTransports.OpenSource(Reference(tag), fixture.Options);
        var resolved = await ResolvedImage.LoadAsync(source, null, Cancellation);
        var root = Path.Combine(fixture.Directory, "unpacked-" + Guid.NewGuid().ToString("N"));
        await new RootfsUnpacker().UnpackAsync(resolved, root, Cancellation);
        return root;
    }
}
