using System.Text.Json;
using Drydock.Testing.Registry;

namespace Drydock.Cli.Tests.Registry;

public sealed class InspectCommandTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("drydock-cli-inspect-");
    private RegistryServer _registry = null!;
    private TinyImage _image = null!;

    public async ValueTask InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync();
        _image = TinyImage.Create(Path.Combine(_directory.FullName, "image"), "v1", ["linux/amd64", "linux/arm64"]);
        await Skopeo.PushAsync(_image, $"{_registry.Host}/cli/inspect:v1");
    }

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Inspect_table_lists_layers()
    {
        var run = await InspectAsync("--platform", "linux/arm64");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(_image.RootDigest, run.Stdout, StringComparison.Ordinal);
        Assert.Contains(_image.ManifestDigests[1], run.Stdout, StringComparison.Ordinal);
        Assert.Contains(_image.LayerDigests[1]["sha256:".Length..][..12], run.Stdout, StringComparison.Ordinal);
        Assert.Contains("linux/arm64", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("tiny image linux/arm64", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_json_has_manifest_config_and_layers()
    {
        var run = await InspectAsync("--format", "json", "--platform", "linux/amd64");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Stdout);
        var root = document.RootElement;
        Assert.Equal(_image.RootDigest, root.GetProperty("digest").GetString());
        Assert.Equal(_image.ManifestDigests[0], root.GetProperty("manifestDigest").GetString());
        Assert.Equal("amd64", root.GetProperty("config").GetProperty("architecture").GetString());
        Assert.Equal(2, root.GetProperty("index").GetProperty("manifests").GetArrayLength());
        var layer = Assert.Single(root.GetProperty("layers").EnumerateArray());
        Assert.Equal(_image.LayerDigests[0], layer.GetProperty("digest").GetString());
        Assert.StartsWith("sha256:", layer.GetProperty("diffId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_unknown_format_is_usage_error()
    {
        var run = await InspectAsync("--format", "yaml");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("yaml", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_missing_tag_exits_not_found()
    {
        var run = await DrydockProcess.RunAsync(
            ["inspect", $"{_registry.Host}/cli/inspect:absent", "--cache-dir", Path.Combine(_directory.FullName, "c")]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("MANIFEST_UNKNOWN", run.Stderr, StringComparison.Ordinal);
    }

    private Task<DrydockRun> InspectAsync(params string[] options) =>
        DrydockProcess.RunAsync(
            ["inspect", $"{_registry.Host}/cli/inspect:v1", "--cache-dir", Path.Combine(_directory.FullName, "c"), .. options]);
}
