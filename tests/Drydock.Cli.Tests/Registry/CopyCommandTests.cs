// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using Drydock.Testing.Registry;

namespace Drydock.Cli.Tests.Registry;

public sealed class CopyCommandTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("drydock-cli-copy-");
    private RegistryServer _registry = null!;

    private string CacheDir => Path.Combine(_directory.FullName, "cache");

    public async ValueTask InitializeAsync() => _registry = await RegistryServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _registry.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Copy_prints_digest_and_fills_cache()
    {
        var image = await PushTinyAsync("cli/copy", ["linux/amd64"]);

        // localhost is another registry host to Drydock than 127.0.0.1, so the copy downloads
        // the blobs instead of mounting them within one registry.
        var run = await DrydockAsync(
            "copy", $"{_registry.Host}/cli/copy:v1", $"docker://localhost:{_registry.Port}/cli/copied:v1");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith(image.RootDigest + " ", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(CacheDir, "blobs", "sha256", image.LayerDigests[0]["sha256:".Length..])));
        await Skopeo.RunAsync("inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/cli/copied:v1");
    }

    [Fact]
    public async Task Copy_all_platforms()
    {
        var image = await PushTinyAsync("cli/multi", ["linux/amd64", "linux/arm64"]);

        var run = await DrydockAsync(
            "copy", "--all-platforms", $"{_registry.Host}/cli/multi:v1", $"{_registry.Host}/cli/multi-copy:v1");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith(image.RootDigest + " ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_platform_option_picks_manifest()
    {
        var image = await PushTinyAsync("cli/arm", ["linux/amd64", "linux/arm64"]);

        var run = await DrydockAsync(
            "copy", "--platform", "linux/arm64", $"{_registry.Host}/cli/arm:v1", $"{_registry.Host}/cli/arm-copy:v1");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith(image.ManifestDigests[1] + " ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_missing_image_exits_not_found()
    {
        var run = await DrydockAsync("copy", $"{_registry.Host}/cli/absent:v1", $"{_registry.Host}/cli/x:v1");

        Assert.Equal(3, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains("HTTP 404", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("upper-case repository", "127.0.0.1:1/Bad:v1")]
    [InlineData("bad platform", "--platform=linux")]
    [InlineData("password without user", "--password-stdin")]
    public async Task Copy_usage_errors_exit_2(string name, string argument)
    {
        var arguments = argument.StartsWith("--", StringComparison.Ordinal)
            ? new[] { "copy", argument, $"{_registry.Host}/a:v1", $"{_registry.Host}/b:v1" }
            : ["copy", argument, $"{_registry.Host}/b:v1"];

        var run = await DrydockProcess.RunAsync([.. arguments, "--cache-dir", CacheDir]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("drydock: error: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_with_token_auth_and_password_stdin()
    {
        using var certificates = TestCertificates.Create();
        await using var secured = await RegistryServer.StartWithTokenAuthAsync(
            certificates, new Dictionary<string, string> { ["bob"] = "builder" });
        var image = TinyImage.Create(Path.Combine(_directory.FullName, "auth"), "v1", ["linux/amd64"]);
        await Skopeo.PushAsync(image, $"{secured.Host}/cli/auth:v1", "--dest-creds", "bob:builder");

        var ok = await DrydockProcess.RunAsync(
            ["copy", "--username", "bob", "--password-stdin", "--cache-dir", CacheDir,
                $"{secured.Host}/cli/auth:v1", $"{secured.Host}/cli/auth-copy:v1"],
            stdin: "builder\n");
        var denied = await DrydockProcess.RunAsync(
            ["copy", "--username", "bob", "--password-stdin", "--cache-dir", CacheDir,
                $"{secured.Host}/cli/auth:v1", $"{secured.Host}/cli/auth-copy:v2"],
            stdin: "wrong-password\n");

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal(4, denied.ExitCode);
        Assert.DoesNotContain("wrong-password", denied.Stderr, StringComparison.Ordinal);
    }

    private Task<DrydockRun> DrydockAsync(params string[] arguments) =>
        DrydockProcess.RunAsync([.. arguments, "--cache-dir", CacheDir]);

    private async Task<TinyImage> PushTinyAsync(string repository, string[] platforms)
    {
        var image = TinyImage.Create(
            Path.Combine(_directory.FullName, repository.Replace('/', '-')), "v1", platforms);
        await Skopeo.PushAsync(image, $"{_registry.Host}/{repository}:v1");
        return image;
    }
}
