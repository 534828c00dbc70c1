using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Drydock.Testing.Images;

/// <summary>
/// Debian bookworm root file systems built by <c>mmdebstrap</c> from the Debian archive, cached
/// once per machine under <c>$XDG_CACHE_HOME/drydock-tests</c> (else <c>~/.cache/drydock-tests</c>),
/// keyed by the mmdebstrap arguments. Concurrent test processes share one build through a file
/// lock, and each tarball is written to a temporary name and renamed.
/// </summary>
public static class DebianRootFs
{
    /// <summary>The minbase variant: essential packages and apt (about 170 MB).</summary>
    public static string Minbase() => Build("--variant=minbase");

    /// <summary>Minbase with curl and its dependencies, as <c>RUN apt-get install curl</c> leaves it.</summary>
    public static string MinbaseWithCurl() => Build("--variant=minbase", "--include=curl");

    /// <summary>The cache directory for test fixtures.</summary>
    public static string CacheDirectory
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return Path.Combine(root, "drydock-tests");
        }
    }

    /// <summary>
    /// Returns the path of a bookworm tarball made with the given extra mmdebstrap options,
    /// building it first when the cache lacks it. Device nodes are left out, as in Docker
    /// Hub's Debian images.
    /// </summary>
    public static string Build(params string[] options)
    {
        var arguments = options.Concat(["--skip=output/dev", "bookworm", "OUTPUT", Mirror()]).ToArray();
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', arguments))))[..16];
        var output = Path.Combine(CacheDirectory, $"mmdebstrap-bookworm-{key}.tar");
        return FixtureCache.GetOrCreate(output, temporary =>
        {
            ExternalTool.Require("mmdebstrap");
            if (Environment.UserName != "root")
            {
                Assert.Skip("mmdebstrap fixtures are built as root; run the tests as root or prebuild the cache.");
            }

            var actual = arguments.Select(argument => argument == "OUTPUT" ? temporary : argument).ToArray();
            // The temporary name does not end in .tar, so the format is given explicitly.
            ExternalTool.Run("mmdebstrap", ["--quiet", "--format=tar", .. actual]);
        });
    }

    /// <summary>
    /// The Debian mirror from the machine's apt sources (deb822 or one-line format), else
    /// http://deb.debian.org/debian.
    /// </summary>
    public static string Mirror()
    {
        var files = new[] { "/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list" };
        foreach (var file in files.Where(File.Exists))
        {
            foreach (var line in File.ReadLines(file))
            {
                var words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var uri = words switch
                {
                    ["URIs:", var value, ..] => value,
                    ["deb", var value, ..] when !value.StartsWith('[') => value,
                    _ => null,
                };
                if (uri is not null && !uri.Contains("security", StringComparison.Ordinal))
                {
                    return uri;
                }
            }
        }

        return "http://deb.debian.org/debian";
    }
}
