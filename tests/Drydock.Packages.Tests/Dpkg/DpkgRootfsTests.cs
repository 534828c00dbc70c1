using Drydock.Packages.Inventory;
using Drydock.Testing.Rootfs;

namespace Drydock.Packages.Tests.Dpkg;

/// <summary>A real bookworm root built by mmdebstrap, read and compared with dpkg-query run on it.</summary>
public sealed class DpkgRootfsTests
{
    [Fact]
    public void BookwormMinbase_MatchesDpkgQuery()
    {
        var root = DebianRootfs.BookwormMinbase();

        var result = PackageInventory.Read(new DirectoryRootFileSystem(root));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["/var/lib/dpkg/status"], result.Databases);
        var actual = result.Packages
            .Select(p => string.Join('\t', p.Name, p.Version, p.Architecture, p.SourceName, p.SourceVersion))
            .Order(StringComparer.Ordinal);
        Assert.Equal(DpkgQuery.InstalledRows(Path.Combine(root, "var", "lib", "dpkg")), actual);
    }

    [Theory]
    [InlineData("dpkg")]
    [InlineData("libc6")]
    [InlineData("coreutils")]
    [InlineData("base-files")]
    public void BookwormMinbase_FilesMatchDpkgQueryList(string package)
    {
        var root = DebianRootfs.BookwormMinbase();
        var (exitCode, output, errors) = DebianRootfs.Capture(
            "dpkg-query", "--admindir=" + Path.Combine(root, "var", "lib", "dpkg"), "-L", package);
        Assert.True(exitCode == 0, errors);

        var options = new PackageInventoryOptions { IncludeFiles = true };
        var result = PackageInventory.Read(new DirectoryRootFileSystem(root), options);

        var files = Assert.Single(result.Packages, p => p.Name == package).Files!;
        Assert.Equal(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), files);
    }
}
