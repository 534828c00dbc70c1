using Drydock.Advisories.Import;
using Drydock.Advisories.Store;
using Drydock.Images.Inventory;
using Drydock.Images.Tests.Inventory;
using Drydock.Testing;

namespace Drydock.Images.Tests.Scan;

/// <summary>
/// Real inputs for scan tests: a store filled from the Debian OSV sample records and images
/// whose layers hold real package databases.
/// </summary>
internal static class ScanImages
{
    public const string Dpkg = "pkgdb-fixtures/dpkg";

    /// <summary>The bookworm os-release of the Debian 12 minbase fixture.</summary>
    public static string BookwormOsRelease =>
        File.ReadAllText(Path.Combine(SharedData.Require($"{Dpkg}/debian12-minbase-debootstrap"), "etc", "os-release"));

    // The os-release files that Debian's base-files 10.3 and 11.1 install.
    public const string BusterOsRelease = "PRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"\nNAME=\"Debian GNU/Linux\"\n"
        + "VERSION_ID=\"10\"\nVERSION=\"10 (buster)\"\nVERSION_CODENAME=buster\nID=debian\n";

    public const string BullseyeOsRelease = "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nNAME=\"Debian GNU/Linux\"\n"
        + "VERSION_ID=\"11\"\nVERSION=\"11 (bullseye)\"\nVERSION_CODENAME=bullseye\nID=debian\n";

    public static string Fixture(string path) => File.ReadAllText(SharedData.Require($"{Dpkg}/{path}"));

    /// <summary>Opens a new store in <paramref name="folder"/> filled from the Debian OSV sample records.</summary>
    public static AdvisoryStore DebianOsvSample(string folder)
    {
        var sample = SharedData.Require("debian-osv/sample");
        var store = AdvisoryStore.Open(Path.Combine(folder, "advisories.db"));
        new AdvisoryImporter(store).Import([sample]);
        return store;
    }

    public static Task<ImageInventoryResult> Inventory(params LayerBuilder[] layers) =>
        ImageInventory.ReadAsync(LayerBuilder.View(layers), null, TestContext.Current.CancellationToken);
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
