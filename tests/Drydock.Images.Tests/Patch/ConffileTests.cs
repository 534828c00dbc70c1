using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Drydock.Images.Patch;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// Conffiles merged as dpkg merges them, on variants of the real image: a top layer edits
/// <c>/etc/ssl/openssl.cnf</c> and, to stand for an older packaged version, its checksum in
/// the <c>Conffiles</c> field of the status file.
/// </summary>
public sealed class ConffileTests(PatchFixture fixture) : IClassFixture<PatchFixture>
{
    private const string Conffile = "etc/ssl/openssl.cnf";
    private static readonly byte[] _edited = Encoding.UTF8.GetBytes("# edited by the image's author\n");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EditedConffile_UnchangedInPackage_KeepsUsersOnly()
    {
        fixture.Require();
        var image = await fixture.PushVariantAsync("edited", new Dictionary<string, byte[]?> { [Conffile] = _edited });

        var result = await PatchAsync(image, "edited-patched");
        var root = await UnpackAsync("edited-patched");

        Assert.Empty(result.DpkgDistFiles);
        Assert.Equal(_edited, File.ReadAllBytes(Path.Combine(root, Conffile)));
        Assert.False(File.Exists(Path.Combine(root, Conffile + ".dpkg-dist")));
        var verify = ToolRunner.Run("chroot", [root, "dpkg", "--verify"]).Trim();
        Assert.Equal($"??5?????? c /{Conffile}", verify);
    }

    [Fact]
    public async Task EditedConffile_ChangedInPackage_WritesDpkgDist()
    {
        fixture.Require();
        var image = await fixture.PushVariantAsync("both-changed", new Dictionary<string, byte[]?>
        {
            [Conffile] = _edited,
            ["var/lib/dpkg/status"] = StatusWithConffileHash(new string('0', 32)),
        });

        var result = await PatchAsync(image, "both-changed-patched");

        Assert.Equal(["/" + Conffile], result.DpkgDistFiles);
        Assert.Equal(_edited, await ReadAsync("both-changed-patched", Conffile));
        Assert.Equal(Packaged, await ReadAsync("both-changed-patched", Conffile + ".dpkg-dist"));
    }

    [Fact]
    public async Task UneditedConffile_ChangedInPackage_IsReplaced()
    {
        fixture.Require();
        var older = Encoding.UTF8.GetBytes("# as an older package shipped it\n");
        var image = await fixture.PushVariantAsync("unedited", new Dictionary<string, byte[]?>
        {
            [Conffile] = older,
            ["var/lib/dpkg/status"] = StatusWithConffileHash(Convert.ToHexStringLower(MD5.HashData(older))),
        });

        var result = await PatchAsync(image, "unedited-patched");

        Assert.Empty(result.DpkgDistFiles);
        Assert.Equal(Packaged, await ReadAsync("unedited-patched", Conffile));
    }

    [Fact]
    public async Task DeletedConffile_StaysDeleted()
    {
        fixture.Require();
        var image = await fixture.PushVariantAsync("deleted", new Dictionary<string, byte[]?>
        {
            [Conffile] = null,
            ["var/lib/dpkg/status"] = StatusWithConffileHash(new string('0', 32)),
        });

        await PatchAsync(image, "deleted-patched");

        Assert.Null(await ReadAsync("deleted-patched", Conffile));
    }

    // The base image's file is the one openssl ships, unchanged between the two versions.
    private byte[] Packaged => File.ReadAllBytes(Path.Combine(fixture.Root, Conffile));

    private byte[] StatusWithConffileHash(string hash)
    {
        var status = File.ReadAllText(Path.Combine(fixture.Root, "var/lib/dpkg/status"));
        var edited = Regex.Replace(status, $@"^ /{Regex.Escape(Conffile)} [0-9a-f]{{32}}$", $" /{Conffile} {hash}", RegexOptions.Multiline);
        Assert.NotEqual(status, edited);
        return Encoding.UTF8.GetBytes(edited);
    }

    private async Task<PatchResult> PatchAsync(string image, string tag)
    {
        await using var source = ImageTransports.OpenSource(image, fixture.Options);
        await using var destination = ImageTransports.OpenDestination($"{fixture.Registry.Host}/patch/base:{tag}", fixture.Options);
        var options = new PatchOptions { Packages = ["openssl"], CacheRoot = Path.Combine(TestCache.Root, "patch-debs") };
        return await new ImagePatcher(fixture.Http).PatchAsync(source, destination, options, Cancellation);
    }

    private async Task<byte[]?> ReadAsync(string tag, string path)
    {
        await using var source = ImageTransports.OpenSource($"{fixture.Registry.Host}/patch/base:{tag}", fixture.Options);
        var image = await ResolvedImage.LoadAsync(source, null, Cancellation);
        var file = await new ImageFileSystem(image).ReadFileAsync("/" + path, Cancellation);
        return file?.Content.ToArray();
    }

    private async Task<string> UnpackAsync(string tag)
    {
        await using var source = ImageTransports.OpenSource($"{fixture.Registry.Host}/patch/base:{tag}", fixture.Options);
        var image = await ResolvedImage.LoadAsync(source, null, Cancellation);
        var root = Path.Combine(fixture.Directory, "unpacked-" + Guid.NewGuid().ToString("N"));
        await new RootfsUnpacker().UnpackAsync(image, root, Cancellation);
        return root;
    }
}
