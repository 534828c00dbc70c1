using System.Security.Cryptography;
using System.Text;

namespace Drydock.Testing.Images;

/// <summary>
/// Debian bookworm root file systems built by <c>mmdebstrap</c> from the Debian archive, cached
/// once per machine under <c>$XDG_CACHE_HOME/drydock-tests</c> (else <c>~/.cache/drydock-tests</c>),
/// keyed by a hash of the mmdebstrap arguments that decide the content.
/// </summary>
public static class DebianRootFs
{
    /// <summary>The minbase variant: essential packages and apt (about 170 MB).</summary>
    public static string Minbase() => Build(new DebianRootSpec());

    /// <summary>Minbase with curl and its dependencies, as <c>RUN apt-get install curl</c> leaves it.</summary>
    public static string MinbaseWithCurl() => Build(new DebianRootSpec { Include = ["curl"] });

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
    /// Returns the path of a tarball made by mmdebstrap, building it first when the cache lacks
    /// it. Device nodes are left out, so that the images unpack without root.
    /// </summary>
    public static string Build(DebianRootSpec spec)
    {
        spec = spec with { Skip = [.. spec.Skip, "output/dev"] };
        var arguments = spec.Arguments("OUTPUT", Mmdebstrap.Mirror());
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', arguments))))[..16];
        var output = Path.Combine(CacheDirectory, $"mmdebstrap-{spec.Suite}-{key}.tar");
        return Mmdebstrap.Build(output, spec, tarball: true);
    }
}
