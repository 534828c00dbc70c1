using Drydock.Images.Inventory;
using Drydock.Images.Patch;
using Drydock.Images.Verify;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
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

    private static readonly string[] _patched = ["libexpat1", "libssl3", "openssl"];

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

    [Theory]
    [InlineData("lists-by-package")]
    [InlineData("lists-by-record")]
    public async Task Patch_SeveralStanzasPerRecordKeepEveryList(string layout)
    {
        fixture.Require();
        Func<string, string> md5sumsOf = layout == "lists-by-package"
            ? package => package + ".md5sums"
            : package => SharedRecordName(package) + ".md5sums";
        var image = await PushDistrolessAsync("shared-" + layout, SharedRecordName, md5sumsOf);

        var result = await PatchAsync(image, "shared-" + layout + "-patched");

        Assert.Equal(_patched, result.Packages.Select(p => p.Name).Order(StringComparer.Ordinal));
        var root = await UnpackAsync("shared-" + layout + "-patched");
        var statusDirectory = Path.Combine(root, "var/lib/dpkg/status.d");
        var stanzas = Directory.GetFiles(statusDirectory).Where(f => !f.EndsWith(".md5sums", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllText(f).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            .Select(s => s.Trim('\n')).Where(s => s.Length > 0).ToList();
        Assert.Equal(_packages.Length, stanzas.Count);
        Assert.Equal(["base", "openssl"], Directory.GetFiles(statusDirectory).Select(Path.GetFileName)
            .Where(f => !f!.Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var lists = _packages.ToDictionary(p => p, p => ListOf(statusDirectory, p, stanzas));

        // Every package's list still names every file of its installed version, and the list of
        // a patched package names no file of another package, nor another package's list one of its.
        var originals = _packages.ToDictionary(p => p, p => Paths(File.ReadAllLines(
            Path.Combine(fixture.Root, "var/lib/dpkg/info", InfoName(p) + ".md5sums"))).ToHashSet());
        foreach (var package in _packages.Except(_patched))
        {
            Assert.Superset(originals[package], Paths(lists[package]).ToHashSet());
        }

        foreach (var patched in _patched)
        {
            var own = Paths(lists[patched]).ToHashSet();
            var program = originals[patched].First(path =>
                path.Contains(".so", StringComparison.Ordinal) || path.StartsWith("usr/bin/", StringComparison.Ordinal));
            Assert.Contains(program, own);
            foreach (var other in _packages.Where(o => o != patched))
            {
                Assert.Empty(originals[other].Intersect(own));
                Assert.Empty(Paths(lists[other]).Intersect(own));
            }
        }

        var admin = AssembleAdminDirectory(root, stanzas, package => lists[package]);
        Assert.Equal("", ToolRunner.Run("dpkg", ["--root=" + root, "--admindir=" + admin, "--verify"]).Trim());
        Assert.Equal("", ToolRunner.Run("dpkg", ["--admindir=" + admin, "--audit"]).Trim());
        var installed = ToolRunner.Run("dpkg-query", ["--admindir=" + admin, "-W", "-f", "${Package} ${Version}\n"]);
        foreach (var expected in fixture.ExpectedUpgrades.Where(u => _packages.Contains(u.Split(' ')[0])))
        {
            Assert.Contains(expected, installed.Split('\n'));
        }

        foreach (var tag in new[] { "shared-" + layout, "shared-" + layout + "-patched" })
        {
            await using var source = ImageTransports.OpenSource(Reference(tag), fixture.Options);
            var report = await new ImageVerifier().VerifyAsync(source, new VerifyOptions(), Cancellation);
            Assert.Equal(_packages.Length, report.Packages);
            Assert.DoesNotContain(report.Problems, p => p.Kind == VerifyProblemKind.ChecksumMismatch);
            Assert.DoesNotContain(report.Problems, p => p.Kind == VerifyProblemKind.NoFileList);
            Assert.DoesNotContain(report.Problems, p => p.Kind == VerifyProblemKind.SharedPath);
        }
    }

    private static string SharedRecordName(string package) => package is "openssl" or "libssl3" ? "openssl" : "base";

    private string InfoName(string package) =>
        File.Exists(Path.Combine(fixture.Root, "var/lib/dpkg/info", package + ".list")) ? package : package + ":amd64";

    // The list a scanner reads for a package: NAME:ARCH.md5sums, NAME.md5sums, then the list
    // beside the record file that contains its stanza.
    private static string ListPath(string statusDirectory, string package, List<string> stanzas)
    {
        var stanza = stanzas.Single(s => s.StartsWith($"Package: {package}\n", StringComparison.Ordinal));
        var architecture = stanza.Split('\n')
            .Single(l => l.StartsWith("Architecture: ", StringComparison.Ordinal))["Architecture: ".Length..];
        string[] candidates =
        [
            Path.Combine(statusDirectory, $"{package}:{architecture}.md5sums"),
            Path.Combine(statusDirectory, package + ".md5sums"),
            Path.Combine(statusDirectory, SharedRecordName(package) + ".md5sums"),
        ];
        return candidates.First(File.Exists);
    }

    private static string[] ListOf(string statusDirectory, string package, List<string> stanzas) =>
        File.ReadAllLines(ListPath(statusDirectory, package, stanzas));

    private static IEnumerable<string> Paths(IEnumerable<string> md5sums) => md5sums.Select(line => line[34..]);

    // An admin directory for the host's dpkg: the stanzas as one status file, and each
    // package's md5sums list as its info list and md5sums, named PACKAGE:ARCH for
    // Multi-Arch: same packages as info format 1 requires.
    private static string AssembleAdminDirectory(string root, List<string> stanzas, Func<string, string[]> listOf)
    {
        var admin = Path.Combine(root, "tmp/admin");
        Directory.CreateDirectory(Path.Combine(admin, "info"));
        Directory.CreateDirectory(Path.Combine(admin, "updates"));
        File.WriteAllText(Path.Combine(admin, "status"), string.Join("\n\n", stanzas) + "\n");
        File.WriteAllText(Path.Combine(admin, "info", "format"), "1\n");
        foreach (var stanza in stanzas)
        {
            var package = stanza.Split('\n')[0]["Package: ".Length..];
            var name = stanza.Contains("\nMulti-Arch: same", StringComparison.Ordinal) ? package + ":amd64" : package;
            var md5sums = listOf(package);
            File.WriteAllLines(Path.Combine(admin, "info", name + ".list"), md5sums.Select(line => "/" + line[34..]));
            File.WriteAllLines(Path.Combine(admin, "info", name + ".md5sums"), md5sums);
        }

        return admin;
    }

    private static string RecordName(string package) => package == "libexpat1" ? ExpatRecord : package;

    private string Reference(string tag) => $"{fixture.Registry.Host}/patch/distroless:{tag}";

    // Copies each package's files out of the mmdebstrap root with GNU tar, keeping the merged-/usr
    // links, and writes its status stanza and md5sums as a status.d record.
    private Task<string> PushDistrolessAsync(string tag) =>
        PushDistrolessAsync(tag, RecordName, package => RecordName(package) + ".md5sums");

    // Writes each package's stanza to the record file recordOf names and its md5sums lines to
    // the list md5sumsOf names, appending where several packages share a file.
    private async Task<string> PushDistrolessAsync(
        string tag, Func<string, string> recordOf, Func<string, string> md5sumsOf)
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
            var record = Path.Combine(statusDirectory, recordOf(package));
            File.AppendAllText(record, (File.Exists(record) ? "\n" : "") + stanza.Trim('\n') + "\n");
            File.AppendAllText(
                Path.Combine(statusDirectory, md5sumsOf(package)),
                File.ReadAllText(Path.Combine(info, prefix + ".md5sums")));
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

    private Task<PatchResult> PatchAsync(string image, string tag) =>
        fixture.PatchFromSecurityAsync(image, Reference(tag));

    private async Task<string> UnpackAsync(string tag)
    {
        await using var source = ImageTransports.OpenSource(Reference(tag), fixture.Options);
        var resolved = await ResolvedImage.LoadAsync(source, null, Cancellation);
        var root = Path.Combine(fixture.Directory, "unpacked-" + Guid.NewGuid().ToString("N"));
        await new RootfsUnpacker().UnpackAsync(resolved, root, Cancellation);
        return root;
    }
}
