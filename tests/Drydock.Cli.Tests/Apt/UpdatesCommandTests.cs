using System.Text.Json;
using Drydock.Cli.Tests.Registry;
using Drydock.Testing.Apt;
using Drydock.Testing.Images;

namespace Drydock.Cli.Tests.Apt;

/// <summary>
/// <c>drydock updates</c> on the mmdebstrap minbase image against the signed two-suite test
/// archive given with <c>--repo</c> and <c>--keyring</c>.
/// </summary>
public sealed class UpdatesCommandTests : IDisposable
{
    private readonly BookwormTestArchive _archive = new();

    [Fact]
    public async Task Updates_JsonListsUpgrades()
    {
        var run = await UpdatesAsync(_archive.KeyringPath, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var document = JsonDocument.Parse(run.Stdout);
        var upgradable = document.RootElement.GetProperty("upgradable").EnumerateArray().ToList();
        var apt = Assert.Single(upgradable, p => p.GetProperty("package").GetString() == "apt");
        Assert.Equal("2.6.2", apt.GetProperty("candidateVersion").GetString());
        Assert.Equal(BookwormTestArchive.SecuritySuite, apt.GetProperty("suite").GetString());
        Assert.Equal("Drydock Test", apt.GetProperty("origin").GetString());
        Assert.Empty(document.RootElement.GetProperty("newPackages").EnumerateArray());
    }

    [Fact]
    public async Task Updates_ExitCodeWhenUpgradesExist()
    {
        var run = await UpdatesAsync(_archive.KeyringPath, "--exit-code");

        Assert.Equal(100, run.ExitCode);
        const string Line = "apt/bookworm-security 2.6.2 amd64 [upgradable from: 2.6.1]";
        Assert.Contains(Line, run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updates_RejectsUntrustedRepository()
    {
        using var other = new TestGpg();
        var keyring = Path.Combine(other.Home, "other.gpg");
        other.ExportPublicKey(other.GenerateKey("Drydock Other Key"), keyring);

        var run = await UpdatesAsync(keyring);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("InRelease", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Updates_FallsBackToListedPlainIndex()
    {
        DeleteSecurityIndexes("Packages.xz", "Packages.gz");

        var run = await UpdatesAsync(_archive.KeyringPath);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("apt/bookworm-security 2.6.2 amd64", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updates_MissingIndexIsFailure()
    {
        DeleteSecurityIndexes("Packages.xz", "Packages.gz", "Packages");

        var run = await UpdatesAsync(_archive.KeyringPath);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'main/binary-amd64/Packages'", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Updates_RefusesLinkLocalRepository()
    {
        var run = await DrydockProcess.RunAsync([
            "updates", $"oci:{DebianImages.Layout()}:{DebianImages.MinbaseTag}", "--no-image-sources",
            "--repo", "deb [trusted=yes] http://169.254.169.254/debian bookworm main"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'169.254.169.254'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("link-local", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updates_RefusesRedirectToLinkLocal()
    {
        var inRelease = $"dists/{BookwormTestArchive.PointSuite}/InRelease";
        _archive.Server.Redirects[inRelease] = new Uri("http://169.254.169.254/latest/meta-data/");

        var run = await UpdatesAsync(_archive.KeyringPath);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'169.254.169.254'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(inRelease, _archive.Server.Requests);
    }

    public void Dispose() => _archive.Dispose();

    // The signed Release still lists every form, as on a mirror that lost files.
    private void DeleteSecurityIndexes(params string[] forms)
    {
        var directory = _archive.Repository.IndexDirectory(BookwormTestArchive.SecuritySuite);
        foreach (var form in forms)
        {
            File.Delete(Path.Combine(directory, form));
        }
    }

    private Task<DrydockRun> UpdatesAsync(string keyring, params string[] options)
    {
        var layout = DebianImages.Layout();
        var uri = _archive.Server.BaseUri;
        return DrydockProcess.RunAsync([
            "updates", $"oci:{layout}:{DebianImages.MinbaseTag}", "--no-image-sources",
            "--repo", $"deb {uri} {BookwormTestArchive.SecuritySuite} main",
            "--repo", $"deb {uri} {BookwormTestArchive.PointSuite} main",
            "--keyring", keyring, .. options]);
    }
}
