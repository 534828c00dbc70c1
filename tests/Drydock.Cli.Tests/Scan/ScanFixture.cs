using System.Text;
using System.Text.Json.Nodes;
using Drydock.Cli.Tests.Registry;
using Drydock.Oci.Layout;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Oci.Writing;
using Drydock.Testing;
using Drydock.Testing.Images;
using Drydock.Testing.Registry;

namespace Drydock.Cli.Tests.Scan;

/// <summary>
/// What the scan command tests share: a loopback registry holding the mmdebstrap bookworm
/// images (minbase, and curl on top of it, also under a tag whose manifest names minbase as
/// its base), a store imported from the real Debian OSV export with <c>drydock db import</c>,
/// an empty store, and a buster image in an OCI layout.
/// </summary>
public sealed class ScanFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("drydock-cli-scan-");
    private RegistryServer? _registry;

    /// <summary>The curl image in the registry: minbase in layer 0, curl in layer 1.</summary>
    public string CurlImage => $"{Registry.Host}/scan/bookworm:curl";

    /// <summary>The curl image with <c>org.opencontainers.image.base.*</c> annotations naming minbase.</summary>
    public string AnnotatedImage => $"{Registry.Host}/scan/bookworm:annotated";

    public RegistryServer Registry => _registry ?? throw new InvalidOperationException("The fixture is not started.");

    /// <summary>The store filled from debian-osv-20250212.tar.gz.</summary>
    public string DebianStore => Path.Combine(_directory.FullName, "debian.db");

    /// <summary>A store with no source imported.</summary>
    public string EmptyStore => Path.Combine(_directory.FullName, "empty.db");

    /// <summary>
    /// A Debian 10 image whose status file lists the claircore PostgreSQL packages and a
    /// libcurl4 older than the last buster curl fix.
    /// </summary>
    public string BusterImage => $"oci:{Path.Combine(_directory.FullName, "buster")}:10";

    public string Folder => _directory.FullName;

    public async ValueTask InitializeAsync()
    {
        var export = SharedData.Require("debian-osv/debian-osv-20250212.tar.gz");
        var layout = DebianImages.Layout();
        _registry = await RegistryServer.StartAsync();
        await Skopeo.RunAsync("copy", "--dest-tls-verify=false", $"oci:{layout}:{DebianImages.MinbaseTag}",
            $"docker://{Registry.Host}/scan/bookworm:minbase");
        await Skopeo.RunAsync("copy", "--dest-tls-verify=false", $"oci:{layout}:{DebianImages.CurlTag}",
            $"docker://{CurlImage}");
        await PushAnnotatedAsync();
        var import = await DrydockProcess.RunAsync(["db", "import", "--db", DebianStore, export]);
        Assert.True(import.ExitCode == 0, import.Stderr);
        // scan rejects a --db file that does not exist, so the empty store is created here.
        Drydock.Advisories.Store.AdvisoryStore.Open(EmptyStore).Dispose();
        await BuildBusterAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        _directory.Delete(recursive: true);
    }

    // The curl manifest again, with the annotations a BuildKit build on top of minbase writes.
    private async Task PushAnnotatedAsync()
    {
        var options = new ImageTransportOptions { Insecure = true };
        var minbase = await ReadManifestAsync($"{Registry.Host}/scan/bookworm:minbase", options);
        var curl = await ReadManifestAsync(CurlImage, options);
        var json = JsonNode.Parse(curl.Bytes.Span)!.AsObject();
        json["annotations"] = new JsonObject
        {
            ["org.opencontainers.image.base.digest"] = minbase.Digest.ToString(),
            ["org.opencontainers.image.base.name"] = $"{Registry.Host}/scan/bookworm:minbase",
        };
        var annotated = new RawManifest(Encoding.UTF8.GetBytes(json.ToJsonString()), curl.MediaType);
        var destination = ImageTransports.OpenDestination(AnnotatedImage, options);
        await using (destination)
        {
            await destination.PutRootManifestAsync(annotated, CancellationToken.None);
            await destination.CommitAsync(CancellationToken.None);
        }
    }

    private static async Task<RawManifest> ReadManifestAsync(string location, ImageTransportOptions options)
    {
        var source = ImageTransports.OpenSource(location, options);
        await using (source)
        {
            return await source.GetManifestAsync(CancellationToken.None);
        }
    }

    private async Task BuildBusterAsync()
    {
        var status = await File.ReadAllTextAsync(
            SharedData.Require("pkgdb-fixtures/dpkg/claircore-postgresql.status"));
        status = status.TrimEnd('\n') + "\n\nPackage: libcurl4\nStatus: install ok installed\nArchitecture: amd64\n"
            + "Source: curl\nVersion: 7.64.0-4+deb10u2\nDescription: easy-to-use client-side URL transfer library\n";
        var osRelease = "PRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"\nNAME=\"Debian GNU/Linux\"\n"
            + "VERSION_ID=\"10\"\nVERSION=\"10 (buster)\"\nVERSION_CODENAME=buster\nID=debian\n";
        var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var blob = Path.Combine(_directory.FullName, "buster-layer.tar.gz");
        BuiltLayer layer;
        await using (var output = File.Create(blob))
        {
            layer = await new Drydock.Oci.Writing.LayerBuilder(time)
                .AddFile("etc/os-release", Encoding.UTF8.GetBytes(osRelease))
                .AddFile("var/lib/dpkg/status", Encoding.UTF8.GetBytes(status))
                .WriteAsync(output, Drydock.Oci.Layers.LayerCompression.Gzip, CancellationToken.None);
        }

        var config = ConfigBuilder.Create(Platform.Host, time);
        config = ConfigBuilder.AppendLayer(config, layer.DiffId, "debian:10 with postgresql", time);
        var destination = OciLayout.OpenDestination(Path.Combine(_directory.FullName, "buster"), "10");
        await using (destination)
        {
            await ImageWriter.WriteAsync(destination, config, [new LayerBlob(layer, () => File.OpenRead(blob))],
                CancellationToken.None);
        }
    }
}
