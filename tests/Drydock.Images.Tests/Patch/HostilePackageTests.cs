using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Drydock.Images.Patch;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt.Sources;
using Drydock.Testing.Apt;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// Patches from a signed repository whose libexpat1 upgrade is a .deb built here with unusual
/// or hostile data.tar entries. Each is rejected before anything reaches the destination, or,
/// for a symlink where the image has a directory, patched as dpkg would.
/// </summary>
public sealed class HostilePackageTests(PatchFixture fixture) : IClassFixture<PatchFixture>, IDisposable
{
    private const string Package = "libexpat1";
    private const string Version = "2.5.0-1+deb12u90";
    private const string LibraryDirectory = "./usr/lib/x86_64-linux-gnu";

    private static readonly Dictionary<string, DebItem[]> _cases = new(StringComparer.Ordinal)
    {
        ["relative-symlink-escape"] = [Symlink($"{LibraryDirectory}/evil", "../../../../../../../tmp/x")],
        ["newline-in-name"] = [RegularFile($"{LibraryDirectory}/evil\nname")],
        ["file-below-own-symlink"] =
            [Symlink($"{LibraryDirectory}/evil", "/tmp/x"), RegularFile($"{LibraryDirectory}/evil/F")],
        ["symlink-after-file-below"] =
            [RegularFile($"{LibraryDirectory}/evil/F"), Symlink($"{LibraryDirectory}/evil", "/tmp/x")],
        ["whiteout-name"] = [RegularFile($"{LibraryDirectory}/.wh.libc.so.6")],
        ["hard-link-to-image-file"] = [new DebItem("./etc/shadow-copy", TarEntryType.HardLink, "./etc/shadow")],
        ["fifo"] = [new DebItem($"{LibraryDirectory}/pipe", TarEntryType.Fifo)],
        ["duplicate-entry"] =
            [RegularFile($"{LibraryDirectory}/twice"), Symlink($"{LibraryDirectory}/twice", "/tmp/x")],
        ["file-over-image-directory"] = [RegularFile("./etc/apt")],
        ["symlink-over-image-directory"] =
            [RegularFile($"{LibraryDirectory}/libexpat-test.so"), Symlink("./etc/apt", "/tmp/x")],
    };

    private readonly TestGpg _gpg = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-hostile-").FullName;
    private TestRepository? _repository;
    private LoopbackFileServer? _server;
    private string _keyring = "";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, Type, string> Refusals => new()
    {
        { "relative-symlink-escape", typeof(IOException), "../../../../../../../tmp/x" },
        { "newline-in-name", typeof(InvalidDataException), "evil\\x0aname" },
        { "file-below-own-symlink", typeof(IOException), "usr/lib/x86_64-linux-gnu/evil/F" },
        { "symlink-after-file-below", typeof(InvalidDataException), "/usr/lib/x86_64-linux-gnu/evil/F" },
        { "whiteout-name", typeof(InvalidDataException), ".wh.libc.so.6" },
        { "hard-link-to-image-file", typeof(IOException), "etc/shadow" },
        { "fifo", typeof(InvalidDataException), "/usr/lib/x86_64-linux-gnu/pipe" },
        { "duplicate-entry", typeof(InvalidDataException), "/usr/lib/x86_64-linux-gnu/twice" },
        { "file-over-image-directory", typeof(IOException), "/etc/apt" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Patch_RejectsHostileEntry(string suite, Type category, string value)
    {
        fixture.Require();
        var output = Path.Combine(_directory, "out-" + suite, "layout");

        var error = await Record.ExceptionAsync(() => PatchAsync(suite, output));

        Assert.NotNull(error);
        Assert.IsType(category, error);
        Assert.Contains(Package, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)), "the output's parent was created");
    }

    [Fact]
    public async Task Patch_KeepsImageDirectoryUnderPackageSymlink()
    {
        fixture.Require();
        var output = Path.Combine(_directory, "kept", "layout");

        var result = await PatchAsync("symlink-over-image-directory", output);

        Assert.Equal(["/etc/apt -> /tmp/x (libexpat1)"], result.KeptDirectories);
        await using var source = ImageTransports.OpenSource($"oci:{output}:patched", fixture.Options);
        var image = await ResolvedImage.LoadAsync(source, null, Cancellation);
        var snapshot = await ImageSnapshot.ReadAsync(image, image.Layers, Cancellation);
        Assert.Equal(LayerEntryKind.Directory, snapshot.KindOf("etc/apt"));
        Assert.Equal(LayerEntryKind.File, snapshot.KindOf("usr/lib/x86_64-linux-gnu/libexpat-test.so"));
    }

    public void Dispose()
    {
        _server?.Dispose();
        _repository?.Dispose();
        _gpg.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<PatchResult> PatchAsync(string suite, string output)
    {
        var options = RepositoryOptions(suite) with { Packages = [Package] };
        await using var source = ImageTransports.OpenSource(fixture.Image, fixture.Options);
        await using var destination = ImageTransports.OpenDestination($"oci:{output}:patched", fixture.Options);
        var result = await new ImagePatcher(fixture.Http).PatchAsync(source, destination, options, Cancellation);
        return result;
    }

    private PatchOptions RepositoryOptions(string suite)
    {
        if (_server is null)
        {
            var fingerprint = _gpg.GenerateKey("Drydock Hostile Package Test");
            _repository = new TestRepository();
            foreach (var (name, items) in _cases)
            {
                var deb = WriteDeb(Path.Combine(_directory, name), items);
                _repository.AddSuite(new SuiteSpec(name, name, name, []) { LocalDebs = [deb] });
                _repository.Sign(name, _gpg, fingerprint);
            }

            _keyring = Path.Combine(_gpg.Home, "hostile.gpg");
            _gpg.ExportPublicKey(fingerprint, _keyring);
            _server = new LoopbackFileServer(_repository.Root);
        }

        var repo = SourcesListParser.ParseLine($"deb [signed-by={_keyring}] {_server.BaseUri} {suite} main");
        var cache = Path.Combine(fixture.Directory, "cache-" + Guid.NewGuid().ToString("N"));
        return new PatchOptions { UseImageSources = false, ExtraSources = [repo], CacheRoot = cache };
    }

    private static DebItem RegularFile(string name) => new(name, TarEntryType.RegularFile);

    private static DebItem Symlink(string name, string target) => new(name, TarEntryType.SymbolicLink, target);

    // deb(5): an ar archive of debian-binary, control.tar.gz and data.tar.gz, in that order.
    private static string WriteDeb(string directory, IReadOnlyList<DebItem> items)
    {
        Directory.CreateDirectory(directory);
        var control = $"Package: {Package}\nVersion: {Version}\nArchitecture: amd64\nMulti-Arch: same\n"
            + "Maintainer: Drydock Test <test@localhost>\nDescription: hostile test package\n";
        var controlTar = Tar([new DebItem("./control", TarEntryType.RegularFile, Content: control)]);
        var dataTar = Tar([new DebItem("./", TarEntryType.Directory), .. items]);
        var path = Path.Combine(directory, $"{Package}_{Version}_amd64.deb");
        using var output = File.Create(path);
        output.Write("!<arch>\n"u8);
        foreach (var (name, content) in new[]
        {
            ("debian-binary", "2.0\n"u8.ToArray()), ("control.tar.gz", controlTar), ("data.tar.gz", dataTar),
        })
        {
            var header = $"{name,-16}{0,-12}{0,-6}{0,-6}{"100644",-8}{content.Length,-10}`\n";
            output.Write(Encoding.ASCII.GetBytes(header));
            output.Write(content);
            if (content.Length % 2 == 1)
            {
                output.WriteByte((byte)'\n');
            }
        }

        return path;
    }

    private static byte[] Tar(IEnumerable<DebItem> items)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var item in items)
            {
                var entry = new GnuTarEntry(item.Type, item.Name)
                {
                    Mode = item.Type == TarEntryType.Directory
                        ? (UnixFileMode)0b111_101_101
                        : (UnixFileMode)0b110_100_100,
                    ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
                };
                if (item.Link is not null)
                {
                    entry.LinkName = item.Link;
                }

                if (item.Type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(item.Content ?? "test\n"));
                }

                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    private sealed record DebItem(string Name, TarEntryType Type, string? Link = null, string? Content = null);
}
