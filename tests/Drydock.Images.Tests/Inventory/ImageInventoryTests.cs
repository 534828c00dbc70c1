using Drydock.Images.Inventory;
using Drydock.Packages.Inventory;

namespace Drydock.Images.Tests.Inventory;

public sealed class ImageInventoryTests
{
    private const string Status = "var/lib/dpkg/status";

    private static string Stanza(string name, string version, string status = "install ok installed") =>
        $"Package: {name}\nStatus: {status}\nArchitecture: amd64\nVersion: {version}\n"
        + $"Maintainer: Test <test@example.org>\nDescription: {name}\n\n";

    private static async Task<ImageInventoryResult> Read(params LayerBuilder[] layers) =>
        await ImageInventory.ReadAsync(
            LayerBuilder.View(layers), null, TestContext.Current.CancellationToken);

    private static Dictionary<string, (string Version, int Layer)> ByName(ImageInventoryResult result) =>
        result.Packages.ToDictionary(p => p.Package.Name, p => (p.Package.Version, p.LayerIndex));

    [Fact]
    public async Task Attribution_single_layer_is_bottom()
    {
        var result = await Read(new LayerBuilder().File(Status, Stanza("base-files", "12.4") + Stanza("bash", "5.2.15-2")));

        Assert.Equal(2, result.Packages.Count);
        Assert.All(result.Packages, package => Assert.Equal(0, package.LayerIndex));
        Assert.All(result.Packages, package => Assert.Equal(result.Layers[0].DiffId, package.LayerDiffId));
        Assert.Equal(["/var/lib/dpkg/status"], result.Databases);
    }

    [Fact]
    public async Task Attribution_rewritten_database_keeps_base_packages()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("base-files", "12.4") + Stanza("bash", "5.2.15-2")),
            new LayerBuilder().File(Status, Stanza("base-files", "12.4") + Stanza("bash", "5.2.15-2") + Stanza("curl", "7.88.1-10")));

        var packages = ByName(result);
        Assert.Equal(0, packages["base-files"].Layer);
        Assert.Equal(0, packages["bash"].Layer);
        Assert.Equal(1, packages["curl"].Layer);
        Assert.Equal(result.Layers[1].DiffId, result.Packages.Single(p => p.Package.Name == "curl").LayerDiffId);
    }

    [Fact]
    public async Task Attribution_purge_and_reinstall_moves_up()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("base-files", "12.4") + Stanza("curl", "7.88.1-10")),
            new LayerBuilder().File(Status, Stanza("base-files", "12.4")),
            new LayerBuilder().File(Status, Stanza("base-files", "12.4") + Stanza("curl", "7.88.1-10")));

        var packages = ByName(result);
        Assert.Equal(0, packages["base-files"].Layer);
        Assert.Equal(2, packages["curl"].Layer);
    }

    [Fact]
    public async Task Attribution_config_files_state_counts_as_absent()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("curl", "7.88.1-10")),
            new LayerBuilder().File(Status, Stanza("curl", "7.88.1-10", "deinstall ok config-files")),
            new LayerBuilder().File(Status, Stanza("curl", "7.88.1-10")));

        Assert.Equal(2, ByName(result)["curl"].Layer);
    }

    [Fact]
    public async Task Attribution_downgrade_and_upgrade_moves_up()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("openssl", "3.0.15-1~deb12u1")),
            new LayerBuilder().File(Status, Stanza("openssl", "3.0.11-1~deb12u2")),
            new LayerBuilder().File(Status, Stanza("openssl", "3.0.15-1~deb12u1")));

        Assert.Equal(("3.0.15-1~deb12u1", 2), ByName(result)["openssl"]);
    }

    [Fact]
    public async Task Attribution_upgrade_moves_up()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("openssl", "3.0.11-1~deb12u2") + Stanza("bash", "5.2.15-2")),
            new LayerBuilder().File(Status, Stanza("openssl", "3.0.15-1~deb12u1") + Stanza("bash", "5.2.15-2")));

        Assert.Equal(("3.0.15-1~deb12u1", 1), ByName(result)["openssl"]);
        Assert.Equal(0, ByName(result)["bash"].Layer);
    }

    [Fact]
    public async Task Attribution_whiteout_removes_packages()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("base-files", "12.4")),
            new LayerBuilder().Whiteout(Status));

        Assert.Empty(result.Packages);
        Assert.Empty(result.Databases);
    }

    [Fact]
    public async Task Attribution_whiteout_then_new_database_moves_up()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("base-files", "12.4")),
            new LayerBuilder().Whiteout("var/lib/dpkg"),
            new LayerBuilder().File(Status, Stanza("base-files", "12.4")));

        Assert.Equal(2, ByName(result)["base-files"].Layer);
    }

    [Fact]
    public async Task Attribution_opaque_directory_replaces_database()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("base-files", "12.4") + Stanza("bash", "5.2.15-2")),
            new LayerBuilder().Opaque("var/lib/dpkg").File(Status, Stanza("bash", "5.2.15-2") + Stanza("tzdata", "2024a-0+deb12u1")));

        var packages = ByName(result);
        Assert.False(packages.ContainsKey("base-files"));
        Assert.Equal(0, packages["bash"].Layer);
        Assert.Equal(1, packages["tzdata"].Layer);
    }

    [Fact]
    public async Task Attribution_status_d_files_per_layer()
    {
        var result = await Read(
            new LayerBuilder()
                .File("var/lib/dpkg/status.d/base", "Package: base-files\nVersion: 12.4\nArchitecture: amd64\n")
                .File("var/lib/dpkg/status.d/libssl3", "Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n"),
            new LayerBuilder()
                .File("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n"),
            new LayerBuilder()
                .File("var/lib/dpkg/status.d/libssl3", "Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n"));

        var packages = ByName(result);
        Assert.Equal(0, packages["base-files"].Layer);
        Assert.Equal(1, packages["tzdata"].Layer);
        Assert.Equal(("3.0.15-1~deb12u1", 2), packages["libssl3"]);
        Assert.Equal(3, result.Databases.Count);
    }

    [Fact]
    public async Task Attribution_status_d_whiteout_removes_one_package()
    {
        var result = await Read(
            new LayerBuilder()
                .File("var/lib/dpkg/status.d/base", "Package: base-files\nVersion: 12.4\nArchitecture: amd64\n")
                .File("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n"),
            new LayerBuilder().Whiteout("var/lib/dpkg/status.d/tzdata"));

        Assert.Equal(["base-files"], result.Packages.Select(p => p.Package.Name));
    }

    [Fact]
    public async Task Attribution_multi_arch_packages_apart()
    {
        var libc = "Package: libc6\nStatus: install ok installed\nMulti-Arch: same\nVersion: 2.36-9+deb12u9\n";
        var result = await Read(
            new LayerBuilder().File(Status, libc + "Architecture: amd64\n\n"),
            new LayerBuilder().File(Status, libc + "Architecture: amd64\n\n" + libc + "Architecture: i386\n\n"));

        var layers = result.Packages.ToDictionary(p => p.Package.Architecture!, p => p.LayerIndex);
        Assert.Equal(0, layers["amd64"]);
        Assert.Equal(1, layers["i386"]);
    }

    [Fact]
    public async Task Attribution_ignores_layers_without_database_changes()
    {
        var result = await Read(
            new LayerBuilder().File(Status, Stanza("base-files", "12.4")),
            new LayerBuilder().File("app/main.py", "print('hello')\n"),
            new LayerBuilder().File("var/lib/dpkg/status-old", Stanza("old", "1.0")));

        Assert.Equal([("base-files", 0)], result.Packages.Select(p => (p.Package.Name, p.LayerIndex)));
    }

    [Fact]
    public async Task Attribution_apk_checksum_change_moves_up()
    {
        const string db = "lib/apk/db/installed";
        static string Apk(string name, string version, string checksum) =>
            $"C:{checksum}\nP:{name}\nV:{version}\nA:x86_64\no:{name}\n\n";

        var result = await Read(
            new LayerBuilder().File(db, Apk("musl", "1.2.4-r2", "Q1aaaa=") + Apk("busybox", "1.36.1-r5", "Q1bbbb=")),
            new LayerBuilder().File(db, Apk("musl", "1.2.4-r2", "Q1cccc=") + Apk("busybox", "1.36.1-r5", "Q1bbbb=")));

        var layers = result.Packages.ToDictionary(p => p.Package.Name, p => p.LayerIndex);
        Assert.Equal(1, layers["musl"]);
        Assert.Equal(0, layers["busybox"]);
        Assert.All(result.Packages, p => Assert.Equal(PackageType.Apk, p.Package.Type));
    }

    [Fact]
    public async Task Inventory_follows_merged_usr_symlink()
    {
        var result = await Read(new LayerBuilder()
            .Symlink("lib", "usr/lib")
            .File("usr/lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n")
            .Symlink("etc/os-release", "../usr/lib/os-release")
            .File("usr/lib/os-release", "ID=alpine\nVERSION_ID=3.18.4\n"));

        Assert.Equal(["musl"], result.Packages.Select(p => p.Package.Name));
        Assert.Equal("ID=alpine\nVERSION_ID=3.18.4\n", result.ReleaseFiles["/etc/os-release"]);
    }

    [Fact]
    public async Task Inventory_ignores_status_outside_dpkg_paths()
    {
        var result = await Read(new LayerBuilder()
            .File("opt/vcpkg/installed/vcpkg/status", Stanza("zlib", "1.3"))
            .File(Status, Stanza("base-files", "12.4")));

        Assert.Equal(["base-files"], result.Packages.Select(p => p.Package.Name));
    }

    [Fact]
    public async Task Inventory_reports_malformed_record_and_goes_on()
    {
        var result = await Read(new LayerBuilder().File(Status,
            Stanza("base-files", "12.4") + "Package: broken\nStatus: install ok installed\nArchitecture: amd64\n\n"));

        Assert.Equal(["base-files"], result.Packages.Select(p => p.Package.Name));
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("/var/lib/dpkg/status", diagnostic.File);
        Assert.Contains("broken", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inventory_image_without_database_is_empty()
    {
        var result = await Read(new LayerBuilder().File("hello", "world\n"));

        Assert.Empty(result.Packages);
        Assert.Empty(result.Databases);
    }

    [Fact]
    public async Task Inventory_malformed_top_database_throws()
    {
        var bad = new string('\0', 64);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Read(
            new LayerBuilder().File("var/lib/rpm/Packages", bad)));

        Assert.Contains("/var/lib/rpm/Packages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inventory_malformed_lower_database_is_replaced()
    {
        var result = await Read(
            new LayerBuilder().File("var/lib/rpm/Packages", new string('\0', 64)),
            new LayerBuilder().Whiteout("var/lib/rpm/Packages").File(Status, Stanza("bash", "5.2.15-2")));

        Assert.Equal([("bash", 1)], result.Packages.Select(p => (p.Package.Name, p.LayerIndex)));
    }
}
