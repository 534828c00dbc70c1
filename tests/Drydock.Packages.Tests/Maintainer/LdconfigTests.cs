using System.Text;
using Drydock.Packages.Maintainer;
using Drydock.Packages.Maintainer.Ldconfig;
using Drydock.Testing.Rootfs;

namespace Drydock.Packages.Tests.Maintainer;

public sealed class LdconfigTests
{
    [Fact]
    public void Bookworm_MatchesRealLdconfig()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormMinbase());

        AssertSameAsLdconfig(root);
    }

    [Fact]
    public void LocalLibraryAndInclude_MatchRealLdconfig()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormMinbase());
        // A library copied under another name in a directory from a new include file, with no
        // soname link yet, and a directory listed twice through a symlink.
        var zlib = File.ReadAllBytes(root.Host("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13"));
        root.Write("/opt/vendor/lib/libzcopy.so.1.0", zlib);
        Directory.CreateSymbolicLink(root.Host("/opt/vendor/alias"), "lib");
        root.Write(
            "/etc/ld.so.conf.d/vendor.conf",
            Encoding.ASCII.GetBytes("# vendor\n/opt/vendor/lib/  \n/opt/vendor/alias\n"));

        var result = AssertSameAsLdconfig(root);

        Assert.Contains(
            result.Changes, c => c.Path == "/opt/vendor/lib/libz.so.1" && c.LinkTarget == "libzcopy.so.1.0");
    }

    [Fact]
    public void CorruptElf_SkippedWithDiagnostic()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormMinbase());
        var zlib = File.ReadAllBytes(root.Host("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13"));
        root.Write("/usr/local/lib/libtruncated.so.1", zlib.AsSpan(0, 200).ToArray());
        root.Write("/usr/local/lib/libnotelf.so.1", Encoding.ASCII.GetBytes(new string('x', 100)));
        root.Write("/usr/local/lib/libempty.so.1", []);
        var phoffPastEnd = (byte[])zlib.Clone();
        BitConverter.GetBytes((ulong)zlib.Length * 2).CopyTo(phoffPastEnd, 32);
        root.Write("/usr/local/lib/libbadheader.so.1", phoffPastEnd);

        var result = Ldconfig.Run(root.Tree);

        Assert.Contains(result.Diagnostics, d => d.Path == "/usr/local/lib/libtruncated.so.1");
        Assert.Contains(result.Diagnostics, d => d.Path == "/usr/local/lib/libnotelf.so.1");
        Assert.Contains(result.Diagnostics, d => d.Path == "/usr/local/lib/libempty.so.1");
        Assert.Contains(result.Diagnostics, d => d.Path == "/usr/local/lib/libbadheader.so.1");
        Assert.Single(result.Changes, c => c.Path == Ldconfig.CachePath);
    }

    [Fact]
    public void OwnCache_LoadsBinariesInChroot()
    {
        using var root = new ScratchRoot(DebianRootfs.BookwormMinbase());
        var result = Ldconfig.Run(root.Tree);
        var cache = result.Changes.Single(c => c.Path == Ldconfig.CachePath);
        File.WriteAllBytes(root.Host(Ldconfig.CachePath), cache.Content!);

        var listing = root.Chroot("ldconfig", "-p");
        var output = root.Chroot("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "--list", "/usr/bin/apt-get");

        const string Library = "/lib/x86_64-linux-gnu/libapt-pkg.so.6.0";
        Assert.Contains($"libapt-pkg.so.6.0 (libc6,x86-64) => {Library}", listing, StringComparison.Ordinal);
        Assert.Contains($"libapt-pkg.so.6.0 => {Library}", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("libfoo.so.2", "libfoo.so.10", -1)]
    [InlineData("libfoo.so.10", "libfoo.so.2", 1)]
    [InlineData("libfoo.so", "libfoo.so", 0)]
    [InlineData("libfoo.so.1", "libfoo.so", 1)]
    [InlineData("liba.so", "libb.so", -1)]
    public void CompareLibraryNames_NumbersByValue(string left, string right, int sign)
    {
        Assert.Equal(sign, Math.Sign(LdSoCacheWriter.CompareLibraryNames(left, right)));
    }

    // Runs Drydock first, then the real ldconfig in the same root, and compares the cache byte
    // for byte and the links ldconfig created.
    private static MaintainerResult AssertSameAsLdconfig(ScratchRoot root)
    {
        var result = Ldconfig.Run(root.Tree);
        var before = root.Describe("/opt");

        root.Chroot("ldconfig");

        var cache = result.Changes.Single(c => c.Path == Ldconfig.CachePath);
        Assert.Equal(File.ReadAllBytes(root.Host(Ldconfig.CachePath)), cache.Content);
        var after = root.Describe("/opt");
        var created = after.Where(p => !before.ContainsKey(p.Key) || before[p.Key] != p.Value)
            .Select(p => (p.Key, p.Value)).Order().ToList();
        var expected = result.Changes.Where(c => c.Kind == RootChangeKind.CreateSymlink)
            .Select(c => (c.Path, "-> " + c.LinkTarget)).Order().ToList();
        Assert.Equal(created, expected);
        return result;
    }
}
