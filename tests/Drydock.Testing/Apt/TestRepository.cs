using System.Globalization;
using System.Security.Cryptography;

namespace Drydock.Testing.Apt;

/// <summary>
/// A real APT repository in a temporary directory: .deb files fetched with
/// <c>apt-get download</c>, indexed with <c>apt-ftparchive</c> (component main, amd64) and
/// signed with <see cref="TestGpg"/>. Deleted on dispose.
/// </summary>
public sealed class TestRepository : IDisposable
{
    private static readonly string _debCache = Path.Combine(TestCache.Root, "debs");

    public TestRepository()
    {
        Root = Directory.CreateTempSubdirectory("drydock-repo-").FullName;
    }

    /// <summary>The archive root (holding dists/ and pool/).</summary>
    public string Root { get; }

    /// <summary>Skips the calling test unless the tools that build repositories are present.</summary>
    public static void RequireTools()
    {
        foreach (var tool in new[] { "apt-get", "apt-ftparchive", "gpg", "xz", "gzip" })
        {
            if (!ToolRunner.Exists(tool))
            {
                Xunit.Assert.Skip($"'{tool}' is not installed; run scripts/install-test-deps.");
            }
        }
    }

    /// <summary>The directory of a suite's index for main/amd64.</summary>
    public string IndexDirectory(string suite) => Path.Combine(Root, "dists", suite, "main", "binary-amd64");

    /// <summary>Adds a suite with its packages, indexes and an unsigned Release file.</summary>
    public void AddSuite(SuiteSpec spec)
    {
        var pool = Path.Combine(Root, "pool", spec.Suite);
        Directory.CreateDirectory(pool);
        foreach (var package in spec.Packages)
        {
            var cached = Download(package);
            File.Copy(cached, Path.Combine(pool, Path.GetFileName(cached)), overwrite: true);
        }

        foreach (var local in spec.LocalDebs)
        {
            File.Copy(local, Path.Combine(pool, Path.GetFileName(local)), overwrite: true);
        }

        var index = IndexDirectory(spec.Suite);
        Directory.CreateDirectory(index);
        var packages = ToolRunner.Run("apt-ftparchive", ["packages", $"pool/{spec.Suite}"], workingDirectory: Root);
        WriteIndex(index, packages, spec.AcquireByHash);
        WriteRelease(spec);
    }

    /// <summary>Writes the plain, .gz and .xz forms of a Packages index (and by-hash copies).</summary>
    public static void WriteIndex(string directory, string packages, bool byHash = false)
    {
        var plain = Path.Combine(directory, "Packages");
        File.WriteAllText(plain, packages);
        foreach (var file in new[] { "Packages.gz", "Packages.xz" })
        {
            File.Delete(Path.Combine(directory, file));
        }

        ToolRunner.Run("gzip", ["-k", "-n", "-9", plain]);
        ToolRunner.Run("xz", ["-k", plain]);
        if (!byHash)
        {
            return;
        }

        var hashDirectory = Path.Combine(directory, "by-hash", "SHA256");
        Directory.CreateDirectory(hashDirectory);
        foreach (var file in new[] { "Packages", "Packages.gz", "Packages.xz" })
        {
            var path = Path.Combine(directory, file);
            var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            File.Copy(path, Path.Combine(hashDirectory, hash), overwrite: true);
        }
    }

    /// <summary>Regenerates a suite's Release file after its indexes changed.</summary>
    public void WriteRelease(SuiteSpec spec)
    {
        var suiteDirectory = Path.Combine(Root, "dists", spec.Suite);
        foreach (var stale in new[] { "Release", "InRelease", "Release.gpg" })
        {
            File.Delete(Path.Combine(suiteDirectory, stale));
        }

        string Option(string field, string value) => $"APT::FTPArchive::Release::{field}={value}";
        var release = ToolRunner.Run(
            "apt-ftparchive",
            [
                "-o", Option("Origin", spec.Origin), "-o", Option("Label", spec.Label),
                "-o", Option("Suite", spec.Suite), "-o", Option("Codename", spec.Codename),
                "-o", Option("Architectures", "amd64"), "-o", Option("Components", "main"),
                "release", $"dists/{spec.Suite}",
            ],
            workingDirectory: Root);
        File.WriteAllText(Path.Combine(suiteDirectory, "Release"), AddFields(release, spec));
    }

    /// <summary>Signs a suite: InRelease (clear-signed) and Release.gpg (detached).</summary>
    public void Sign(string suite, TestGpg gpg, string keyId, string? fakedTime = null)
    {
        var directory = Path.Combine(Root, "dists", suite);
        var release = Path.Combine(directory, "Release");
        gpg.ClearSign(release, Path.Combine(directory, "InRelease"), keyId, fakedTime);
        gpg.DetachSign(release, Path.Combine(directory, "Release.gpg"), keyId, fakedTime);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static string AddFields(string release, SuiteSpec spec)
    {
        static string Format(DateTimeOffset time) =>
            time.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

        var lines = release.Split('\n').ToList();
        var dateIndex = lines.FindIndex(l => l.StartsWith("Date:", StringComparison.Ordinal));
        if (spec.Date is { } date)
        {
            lines[dateIndex] = "Date: " + Format(date);
        }

        var extra = new List<string>();
        if (spec.ValidUntil is { } validUntil)
        {
            extra.Add("Valid-Until: " + Format(validUntil));
        }

        if (spec.NotAutomatic)
        {
            extra.Add("NotAutomatic: yes");
        }

        if (spec.ButAutomaticUpgrades)
        {
            extra.Add("ButAutomaticUpgrades: yes");
        }

        if (spec.AcquireByHash)
        {
            extra.Add("Acquire-By-Hash: yes");
        }

        lines.InsertRange(dateIndex + 1, extra);
        return string.Join('\n', lines);
    }

    private static string Download(string package)
    {
        Directory.CreateDirectory(_debCache);
        var (name, version) = (package.Split('=')[0], package.Split('=')[1]);
        var pattern = $"{name}_{version.Replace(":", "%3a", StringComparison.Ordinal)}_*.deb";
        using (TestCache.Lock("debs"))
        {
            if (Amd64Files(pattern).FirstOrDefault() is { } cached)
            {
                return cached;
            }

            ToolRunner.Run("apt-get", ["download", "-q", package], workingDirectory: _debCache);
            return Amd64Files(pattern).Single();
        }
    }

    // The cache is shared, and a host with a foreign architecture may hold other builds of the
    // same version there, which the amd64 index must not list.
    private static IEnumerable<string> Amd64Files(string pattern) =>
        Directory.GetFiles(_debCache, pattern)
            .Where(f => f.EndsWith("_amd64.deb", StringComparison.Ordinal) || f.EndsWith("_all.deb", StringComparison.Ordinal));
}
