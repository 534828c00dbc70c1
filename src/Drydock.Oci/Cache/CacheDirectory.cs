namespace Drydock.Oci.Cache;

/// <summary>
/// Locates Drydock's cache directory: an explicit override (the <c>--cache-dir</c> option),
/// else <c>DRYDOCK_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/drydock</c>, else
/// <c>~/.cache/drydock</c> as the XDG base directory specification 0.8 defaults.
/// </summary>
public static class CacheDirectory
{
    public const string EnvironmentVariable = "DRYDOCK_CACHE_DIR";

    /// <summary>Returns the cache directory's full path; it is not created here.</summary>
    public static string Resolve(string? overrideDirectory = null)
    {
        if (!string.IsNullOrEmpty(overrideDirectory))
        {
            return Path.GetFullPath(overrideDirectory);
        }

        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.GetFullPath(configured);
        }

        // XDG base directory specification 0.8: a relative XDG_CACHE_HOME is invalid and ignored.
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "drydock");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "drydock");
    }
}
