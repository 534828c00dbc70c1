using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Drydock.Images.Patch;
using Drydock.Oci;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt.Sources;
using Drydock.Testing.Apt;
using Drydock.Testing.Images;
using Drydock.Testing.Registry;

namespace Drydock.Images.Tests.Patch;

/// <summary>
/// A bookworm image made by <c>mmdebstrap --variant=minbase</c> with openssl, curl,
/// ca-certificates, libxml2 and libexpat1 from the point release, pushed to a loopback
/// registry as one layer; a signed loopback repository serving newer bookworm-security
/// versions, named by the image's own sources; and the image's own apt, run in a chroot of
/// the same root, as the oracle of what an upgrade installs.
/// </summary>
public sealed class PatchFixture : IAsyncLifetime
{
    public const string KeyringInRoot = "/etc/apt/keyrings/drydock-test.gpg";
    public const string SecuritySuite = "bookworm-security";

    /// <summary>Security versions newer than the point release's, for packages of the image.</summary>
    public static readonly IReadOnlyList<string> SecurityPackages =
    [
        "openssl=3.0.22-1~deb12u2", "libssl3=3.0.22-1~deb12u2",
        "ca-certificates=20250419~deb12u2", "libexpat1=2.5.0-1+deb12u5",
    ];

    private TestGpg? _gpg;
    private TestRepository? _repository;
    private LoopbackFileServer? _server;
    private string? _directory;
    private (Descriptor Layer, Digest DiffId, Stream? Content)? _baseLayer;

    public RegistryServer Registry { get; private set; } = null!;

    /// <summary>The image's root with the test sources, in which the oracle's apt has run.</summary>
    public string Root { get; private set; } = "";

    /// <summary>The pushed image, <c>127.0.0.1:PORT/patch/base:v1</c>.</summary>
    public string Image { get; private set; } = "";

    /// <summary>What <c>apt-get -s upgrade</c> installs in the image, as sorted "name version" lines.</summary>
    public IReadOnlyList<string> ExpectedUpgrades { get; private set; } = [];

    public ImageTransportOptions Options { get; } = new();

    public string Directory => _directory!;

    /// <summary>The repository's base URI.</summary>
    public Uri Repository => _server!.BaseUri;

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName != "root" || !ToolRunner.Exists("mmdebstrap") || !ToolRunner.Exists("chroot"))
        {
            return;
        }

        TestRepository.RequireTools();
        var baseRoot = RequireBaseRoot();
        _directory = System.IO.Directory.CreateTempSubdirectory("drydock-patch-test-").FullName;
        _gpg = new TestGpg();
        var fingerprint = _gpg.GenerateKey("Drydock Patch Test");
        _repository = new TestRepository();
        _repository.AddSuite(new SuiteSpec(SecuritySuite, SecuritySuite, "Drydock Test Security", SecurityPackages));
        _repository.Sign(SecuritySuite, _gpg, fingerprint);
        var keyring = Path.Combine(_directory, "test.gpg");
        _gpg.ExportPublicKey(fingerprint, keyring);
        _server = new LoopbackFileServer(_repository.Root);

        Root = Path.Combine(_directory, "root");
        ToolRunner.Run("cp", ["-a", baseRoot, Root]);
        File.Delete(Path.Combine(Root, "etc/apt/sources.list"));
        File.Copy(keyring, Path.Combine(Root, KeyringInRoot.TrimStart('/')), overwrite: true);
        File.WriteAllText(
            Path.Combine(Root, "etc/apt/sources.list.d/drydock-test.sources"),
            $"Types: deb\nURIs: {_server.BaseUri}\nSuites: {SecuritySuite}\nComponents: main\nSigned-By: {KeyringInRoot}\n");

        Registry = await RegistryServer.StartAsync();
        Image = $"{Registry.Host}/patch/base:v1";
        await PushRootAsync(Root, Image);

        ToolRunner.Run("chroot", [Root, "apt-get", "update", "-q", "-o", "APT::Update::Error-Mode=any"]);
        ExpectedUpgrades = ParseInstalls(ToolRunner.Run("chroot", [Root, "apt-get", "-s", "-q", "upgrade"]));
    }

    /// <summary>Skips the calling test when the fixture could not be built here.</summary>
    public void Require()
    {
        if (_directory is null)
        {
            Assert.Skip("Patching a real image needs root, chroot and mmdebstrap.");
        }
    }

    /// <summary>The HTTP client the repository is reached with.</summary>
    public HttpClient Http { get; } = new();

    /// <summary>
    /// Patches <paramref name="image"/> into <paramref name="output"/> from the loopback security
    /// suite alone, signed by the fixture's key, with the shared .deb cache.
    /// </summary>
    public async Task<PatchResult> PatchFromSecurityAsync(string image, string output)
    {
        var keyring = Path.Combine(Root, KeyringInRoot.TrimStart('/'));
        var repository = SourcesListParser.ParseLine($"deb [signed-by={keyring}] {Repository} {SecuritySuite} main");
        var options = new PatchOptions
        {
            UseImageSources = false,
            ExtraSources = [repository],
            CacheRoot = Path.Combine(TestCache.Root, "patch-debs"),
        };
        await using var source = ImageTransports.OpenSource(image, Options);
        await using var destination = ImageTransports.OpenDestination(output, Options);
        return await new ImagePatcher(Http).PatchAsync(source, destination, options,
            TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        _server?.Dispose();
        _repository?.Dispose();
        _gpg?.Dispose();
        if (_directory is not null)
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }

        Http.Dispose();
    }

    /// <summary>Pushes a root directory as a one-layer OCI image, made with GNU tar.</summary>
    public async Task PushRootAsync(string root, string reference, string architecture = "amd64")
    {
        var tarPath = Path.Combine(Directory, $"layer-{Guid.NewGuid():N}.tar");
        ToolRunner.Run("tar", [
            "--numeric-owner", "--sort=name", "--exclude=./dev/*", "--exclude=./proc/*", "--exclude=./sys/*",
            "-C", root, "-cf", tarPath, "."]);
        var diffId = Digest.FromSha256(SHA256.HashData(File.ReadAllBytes(tarPath)));
        var gzPath = tarPath + ".gz";
        await using (var input = File.OpenRead(tarPath))
        await using (var output = File.Create(gzPath))
        await using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            await input.CopyToAsync(gzip);
        }

        var layer = new Descriptor
        {
            MediaType = MediaTypes.OciLayerGzip,
            Digest = Digest.FromSha256(SHA256.HashData(File.ReadAllBytes(gzPath))),
            Size = new FileInfo(gzPath).Length,
        };
        await using (var content = File.OpenRead(gzPath))
        {
            await PushAsync(reference, [(layer, diffId, content)], architecture);
        }

        if (reference == Image)
        {
            _baseLayer = (layer, diffId, null);
        }

        File.Delete(tarPath);
        File.Delete(gzPath);
    }

    /// <summary>
    /// Pushes the base image with one more layer on top that writes the given files, or whites
    /// them out where the content is null: the image as a user changed it after the base.
    /// </summary>
    public async Task<string> PushVariantAsync(string tag, IReadOnlyDictionary<string, byte[]?> files)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var slash = path.LastIndexOf('/');
                var name = content is null ? path[..(slash + 1)] + ".wh." + path[(slash + 1)..] : path;
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(content ?? []),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                });
            }
        }

        var diffId = Digest.Compute(tar.ToArray());
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        var bytes = compressed.ToArray();
        var layer = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute(bytes), Size = bytes.Length };
        var reference = $"{Registry.Host}/patch/base:{tag}";
        await PushAsync(reference, [_baseLayer!.Value with { Content = null }, (layer, diffId, new MemoryStream(bytes))]);
        return reference;
    }

    /// <summary>Pushes the base image again as a Docker schema 2 image, which has no annotations.</summary>
    public async Task<string> PushDockerAsync(string tag)
    {
        var reference = $"{Registry.Host}/patch/base:{tag}";
        var layer = _baseLayer!.Value with { Content = null };
        layer.Layer = layer.Layer with { MediaType = MediaTypes.DockerLayerGzip };
        await PushAsync(reference, [layer], docker: true);
        return reference;
    }

    private async Task PushAsync(
        string reference,
        IReadOnlyList<(Descriptor Layer, Digest DiffId, Stream? Content)> layers,
        string architecture = "amd64",
        bool docker = false)
    {
        var configBytes = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Cmd"] = new JsonArray("/bin/bash") },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray([.. layers.Select(l => (JsonNode)l.DiffId.ToString())]),
            },
            ["history"] = new JsonArray([.. layers.Select((l, i) => (JsonNode)new JsonObject { ["created_by"] = $"layer {i}" })]),
        }.ToJsonString());
        var config = new Descriptor
        {
            MediaType = docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig,
            Digest = Digest.Compute(configBytes),
            Size = configBytes.Length,
        };
        var manifestType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest;
        var document = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = manifestType,
            ["config"] = Json(config),
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode)Json(l.Layer))]),
        };
        if (!docker)
        {
            document["annotations"] = new JsonObject
            {
                ["org.opencontainers.image.base.name"] = "docker.io/library/debian:bookworm",
            };
        }

        var manifest = Encoding.UTF8.GetBytes(document.ToJsonString());

        await using var destination = ImageTransports.OpenDestination(reference, Options);
        foreach (var (layer, _, content) in layers.Where(l => l.Content is not null))
        {
            await destination.PutBlobAsync(layer, content!, CancellationToken.None);
        }

        await destination.PutBlobAsync(config, new MemoryStream(configBytes), CancellationToken.None);
        await destination.PutRootManifestAsync(new RawManifest(manifest, manifestType), CancellationToken.None);
        await destination.CommitAsync(CancellationToken.None);
    }

    private static JsonObject Json(Descriptor descriptor) => new()
    {
        ["mediaType"] = descriptor.MediaType,
        ["digest"] = descriptor.Digest.ToString(),
        ["size"] = descriptor.Size,
    };

    private static string RequireBaseRoot() =>
        Mmdebstrap.Build(
            Path.Combine(TestCache.Root, "bookworm-patch-base"),
            new DebianRootSpec { Include = ["openssl", "curl", "ca-certificates", "libxml2", "libexpat1"] });

    private static List<string> ParseInstalls(string output)
    {
        var installs = new List<string>();
        foreach (var line in output.Split('\n').Where(l => l.StartsWith("Inst ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ');
            var version = parts.First(p => p.StartsWith('(')).TrimStart('(');
            installs.Add($"{parts[1]} {version}");
        }

        installs.Sort(StringComparer.Ordinal);
        return installs;
    }
}
