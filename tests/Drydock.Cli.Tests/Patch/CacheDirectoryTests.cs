using System.Security.Cryptography;
using Drydock.Cli.Tests.Registry;
using Drydock.Testing.Apt;
using Drydock.Testing.Images;

namespace Drydock.Cli.Tests.Patch;

/// <summary>
/// The one rule for Drydock's cache directory (--cache-dir, else $DRYDOCK_CACHE_DIR, else
/// $XDG_CACHE_HOME/drydock, else ~/.cache/drydock), seen through where <c>drydock patch</c>
/// puts the .deb files it downloads and which advisory database <c>drydock db</c> opens.
/// </summary>
public sealed class CacheDirectoryTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("drydock-cli-cache-");
    private BookwormTestArchive? _archive;

    [Fact]
    public async Task Patch_PutsDebsInCacheDir()
    {
        var cache = Path.Combine(_directory.FullName, "cache");
        var variable = Path.Combine(_directory.FullName, "variable");

        var run = await PatchAsync(["--cache-dir", cache], new() { ["DRYDOCK_CACHE_DIR"] = variable });

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal([ZlibSha256()], CachedDebs(cache));
        Assert.False(Directory.Exists(variable));
    }

    [Fact]
    public async Task Patch_PutsDebsUnderXdgCacheHome()
    {
        var xdg = Path.Combine(_directory.FullName, "xdg");

        var run = await PatchAsync([], new() { ["XDG_CACHE_HOME"] = xdg, ["DRYDOCK_CACHE_DIR"] = "" });

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal([ZlibSha256()], CachedDebs(Path.Combine(xdg, "drydock")));
    }

    [Fact]
    public async Task Db_OpensDatabaseInCacheDir()
    {
        var cache = Path.Combine(_directory.FullName, "cache");

        var run = await DbStatusAsync(["--cache-dir", cache], new() { ["DRYDOCK_CACHE_DIR"] = _directory.FullName });

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith($"Database: {Path.Combine(cache, "advisories.db")}\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_OpensDatabaseInCacheVariable()
    {
        var variable = Path.Combine(_directory.FullName, "variable");
        var environment = new Dictionary<string, string>
        {
            ["DRYDOCK_CACHE_DIR"] = variable,
            ["XDG_CACHE_HOME"] = Path.Combine(_directory.FullName, "xdg"),
        };

        var run = await DbStatusAsync([], environment);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith($"Database: {Path.Combine(variable, "advisories.db")}\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_OpensDatabaseUnderXdgCacheHome()
    {
        var xdg = Path.Combine(_directory.FullName, "xdg");

        var run = await DbStatusAsync([], new() { ["XDG_CACHE_HOME"] = xdg, ["DRYDOCK_CACHE_DIR"] = "" });

        Assert.True(run.ExitCode == 0, run.Stderr);
        var expected = Path.Combine(xdg, "drydock", "advisories.db");
        Assert.StartsWith($"Database: {expected}\n", run.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _archive?.Dispose();
        _directory.Delete(recursive: true);
    }

    // Only zlib1g is upgraded, so exactly one .deb is downloaded.
    private Task<DrydockRun> PatchAsync(string[] options, Dictionary<string, string> environment)
    {
        _archive = new BookwormTestArchive();
        var layout = DebianImages.Layout();
        var output = Path.Combine(_directory.FullName, "patched");
        var repo = $"deb [signed-by={_archive.KeyringPath}] {_archive.Server.BaseUri} "
            + $"{BookwormTestArchive.SecuritySuite} main";
        return DrydockProcess.RunAsync(
            [
                "patch", $"oci:{layout}:{DebianImages.MinbaseTag}", "--output", $"oci:{output}:patched",
                "--no-image-sources", "--repo", repo, "--packages", "zlib1g", .. options,
            ],
            environment: environment);
    }

    private static Task<DrydockRun> DbStatusAsync(string[] options, Dictionary<string, string> environment) =>
        DrydockProcess.RunAsync(["db", "status", .. options], environment: environment);

    private string ZlibSha256()
    {
        var pool = Path.Combine(_archive!.Repository.Root, "pool", BookwormTestArchive.SecuritySuite);
        var deb = Directory.GetFiles(pool, "zlib1g_*.deb").Single();
        return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(deb)));
    }

    private static string[] CachedDebs(string cache) =>
        [.. Directory.GetFiles(Path.Combine(cache, "debs", "sha256")).Select(f => Path.GetFileName(f))];
}
