using System.Text;
using Drydock.Images.Verify;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
using Drydock.Testing.Rootfs;

namespace Drydock.Images.Tests.Verify;

/// <summary>
/// Verification of the mmdebstrap minbase image and of variants whose top layer edits a
/// binary, deletes a file, drops a dependency from the database or gives one path two owners,
/// judged against <c>dpkg --verify</c> run on the unpacked tree.
/// </summary>
public sealed class ImageVerifierTests(VerifyImages images) : IClassFixture<VerifyImages>
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly VerifyImages _images = images;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_MinbaseIsClean()
    {
        var report = await VerifyAsync(_images.WriteBase("clean"));

        Assert.Empty(report.Problems);
        Assert.False(report.HasErrors);
        Assert.True(report.Packages > 80);
        Assert.True(report.FilesChecked > 1000);
    }

    [Fact]
    public async Task Verify_ReportsEditedAndDeletedFiles()
    {
        var image = _images.WriteVariant("edited", layer => layer
            .AddFile("usr/bin/sed", Encoding.UTF8.GetBytes("#!/bin/sh\n"), Executable)
            .AddWhiteout("usr/bin/tail")
            .AddFile("etc/debian_version", Encoding.UTF8.GetBytes("edited\n")));

        var report = await VerifyAsync(image);

        Assert.Contains(report.Problems,
            p => p is { Kind: VerifyProblemKind.ChecksumMismatch, Package: "sed", Path: "/bin/sed" });
        Assert.Contains(report.Problems,
            p => p is { Kind: VerifyProblemKind.MissingFile, Package: "coreutils", Path: "/usr/bin/tail" });
        var conffile = Assert.Single(report.Problems, p => p.Kind == VerifyProblemKind.ConffileModified);
        Assert.Equal(("base-files", "/etc/debian_version"), (conffile.Package, conffile.Path));
        Assert.False(conffile.IsError);
        Assert.True(report.HasErrors);
        Assert.Equal(3, report.Problems.Count);
    }

    [Fact]
    public async Task Verify_AgreesWithDpkgVerify()
    {
        var image = _images.WriteVariant("dpkg-verify", layer => layer
            .AddFile("usr/bin/sed", Encoding.UTF8.GetBytes("#!/bin/sh\n"), Executable)
            .AddWhiteout("usr/bin/tail")
            .AddWhiteout("etc/issue")
            .AddFile("etc/debian_version", Encoding.UTF8.GetBytes("edited\n")));

        var report = await VerifyAsync(image);

        var expected = await DpkgVerifyAsync(image);
        var actual = report.Problems.Select(p => p.Path!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["/bin/sed", "/etc/debian_version", "/etc/issue", "/usr/bin/tail"], expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Verify_ReportsUnmetDependency()
    {
        var status = _images.ReadBaseText("var/lib/dpkg/status");
        var stanzas = status.Split("\n\n").Where(s => !s.StartsWith("Package: libacl1\n", StringComparison.Ordinal));
        var image = _images.WriteVariant("no-libacl1", layer => layer
            .AddFile("var/lib/dpkg/status", Encoding.UTF8.GetBytes(string.Join("\n\n", stanzas))));

        var report = await VerifyAsync(image);

        var unmet = report.Problems.Where(p => p.Kind == VerifyProblemKind.UnmetDependency).ToList();
        Assert.Contains(unmet,
            p => p.Package == "coreutils" && p.Detail.Contains("'libacl1 (>= 2.2.23)'", StringComparison.Ordinal));
        Assert.All(unmet, p => Assert.Contains("libacl1", p.Detail, StringComparison.Ordinal));
        Assert.Equal(unmet.Count, report.Problems.Count);
    }

    [Fact]
    public async Task Verify_ReportsPathOfTwoPackages()
    {
        var image = _images.WriteVariant("shared", layer => layer
            .AddFile("usr/bin/dup", Encoding.UTF8.GetBytes("dup\n"))
            .AddFile("var/lib/dpkg/info/sed.list", Append("var/lib/dpkg/info/sed.list", "/usr/bin/dup\n"))
            .AddFile("var/lib/dpkg/info/grep.list", Append("var/lib/dpkg/info/grep.list", "/usr/bin/dup\n")));

        var report = await VerifyAsync(image);

        var shared = Assert.Single(report.Problems);
        Assert.Equal(VerifyProblemKind.SharedPath, shared.Kind);
        Assert.Equal("grep", shared.Package);
        Assert.Equal("/usr/bin/dup", shared.Path);
        Assert.Contains("'sed'", shared.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ReadsStatusDirectory()
    {
        var clean = await VerifyAsync(_images.WriteAlone("distroless", layer => Distroless(layer, null)));
        var tampered = await VerifyAsync(
            _images.WriteAlone("distroless-edited", layer => Distroless(layer, "edited\n")));

        Assert.Equal(1, clean.Packages);
        Assert.Equal(4, clean.FilesChecked);
        Assert.Empty(clean.Problems);
        var problem = Assert.Single(tampered.Problems);
        Assert.Equal(VerifyProblemKind.ChecksumMismatch, problem.Kind);
        Assert.Equal("/usr/share/doc/gcc-12-base/copyright", problem.Path);
    }

    [Fact]
    public async Task Verify_ReportsMalformedStanza()
    {
        var image = _images.WriteAlone("malformed", layer => layer
            .AddFile("var/lib/dpkg/status.d/broken", Encoding.UTF8.GetBytes(
                "Package: broken\nStatus: install ok installed\nVersion: x:1.0\nArchitecture: amd64\n")));

        var report = await VerifyAsync(image);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(VerifyProblemKind.MalformedDatabase, problem.Kind);
        Assert.Contains("/var/lib/dpkg/status.d/broken:1", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("'x:1.0'", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RejectsImageWithoutDatabase()
    {
        var image = _images.WriteAlone("empty", layer => layer.AddFile("hello", Encoding.UTF8.GetBytes("hi\n")));

        await Assert.ThrowsAsync<InvalidDataException>(() => VerifyAsync(image));
    }

    [Fact]
    public async Task Verify_RunReturnsCommandExitCode()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("Running a command in a chroot needs root.");
        }

        var report = await VerifyAsync(_images.WriteBase("run"), "echo hello from $(cat /etc/debian_version); exit 3");

        Assert.NotNull(report.Run);
        Assert.Equal(3, report.Run.ExitCode);
        Assert.StartsWith("hello from 12.", report.Run.Output, StringComparison.Ordinal);
    }

    private static async Task<VerifyReport> VerifyAsync(string image, string? run = null)
    {
        await using var source = ImageTransports.OpenSource(image, new ImageTransportOptions());
        return await new ImageVerifier().VerifyAsync(source, new VerifyOptions { RunCommand = run }, Cancellation);
    }

    private byte[] Append(string path, string line) =>
        Encoding.UTF8.GetBytes(_images.ReadBaseText(path) + line);

    // One package as distroless images record it: a status.d stanza and its md5sums beside it.
    private void Distroless(Oci.Writing.LayerBuilder layer, string? copyright)
    {
        var status = _images.ReadBaseText("var/lib/dpkg/status").Split("\n\n")
            .Single(s => s.StartsWith("Package: gcc-12-base\n", StringComparison.Ordinal));
        var md5sums = _images.ReadBaseText("var/lib/dpkg/info/gcc-12-base:amd64.md5sums");
        layer.AddFile("var/lib/dpkg/status.d/gcc-12-base", Encoding.UTF8.GetBytes(status + "\n"));
        layer.AddFile("var/lib/dpkg/status.d/gcc-12-base.md5sums", Encoding.UTF8.GetBytes(md5sums));
        foreach (var path in md5sums.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[34..]))
        {
            var content = path.EndsWith("/copyright", StringComparison.Ordinal) && copyright is not null
                ? Encoding.UTF8.GetBytes(copyright)
                : _images.ReadBaseFile(path);
            layer.AddFile(path, content);
        }
    }

    // "??5??????   /bin/sed" or "missing   c /etc/issue": the path is the last word.
    private static async Task<List<string>> DpkgVerifyAsync(string image)
    {
        var directory = Directory.CreateTempSubdirectory("drydock-dpkg-verify-").FullName;
        try
        {
            var root = Path.Combine(directory, "root");
            await using (var source = ImageTransports.OpenSource(image, new ImageTransportOptions()))
            {
                var resolved = await ResolvedImage.LoadAsync(source, null, Cancellation);
                await new RootfsUnpacker().UnpackAsync(resolved, root, Cancellation);
            }

            var (_, output, _) = DebianRootfs.Capture("dpkg", "--verify", "--root=" + root);
            return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])
                .Where(path => path is not ("/dev" or "/proc" or "/sys"))
                .Order(StringComparer.Ordinal)];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
