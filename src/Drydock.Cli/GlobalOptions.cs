using System.CommandLine;
using Drydock.Advisories.Store;
using Drydock.Oci.Cache;
using Drydock.Oci.Model;
using Drydock.Oci.Registry;
using Drydock.Oci.Transports;

namespace Drydock.Cli;

/// <summary>
/// Options every command accepts (registered once on the root, recursively), and the objects
/// built from them: transport options, the cache directory and the requested platform.
/// </summary>
internal static class GlobalOptions
{
    public static Option<string?> CacheDir { get; } = new("--cache-dir")
    {
        Description = "Directory for Drydock's cache: image blobs, .deb files and the default advisory "
            + "database (default: $DRYDOCK_CACHE_DIR, else $XDG_CACHE_HOME/drydock, else ~/.cache/drydock).",
        Recursive = true,
    };

    public static Option<bool> Insecure { get; } = new("--insecure")
    {
        Description = "Reach registries that are not on loopback without TLS certificate checks, "
            + "and over plain HTTP when they do not speak HTTPS. Loopback registries always use HTTP.",
        Recursive = true,
    };

    public static Option<string?> Username { get; } = new("--username")
    {
        Description = "User name for the registries of this command; the password is read with --password-stdin.",
        Recursive = true,
    };

    public static Option<bool> PasswordStdin { get; } = new("--password-stdin")
    {
        Description = "Read the password or access token for --username from standard input.",
        Recursive = true,
    };

    public static Option<string?> Platform { get; } = new("--platform")
    {
        Description = "Platform to pick from a multi-platform image, as OS/ARCHITECTURE[/VARIANT] "
            + "(default: the host's, such as linux/amd64).",
        Recursive = true,
    };

    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Log requests, retries and decisions on standard error.",
        Recursive = true,
    };

    /// <summary>Adds every global option to the root command.</summary>
    public static void AddTo(RootCommand root)
    {
        foreach (var option in new Option[] { CacheDir, Insecure, Username, PasswordStdin, Platform, Verbose })
        {
            root.Options.Add(option);
        }
    }

    /// <summary>Drydock's cache directory, as --cache-dir and the environment choose it.</summary>
    public static string GetCacheDirectory(ParseResult parseResult) =>
        CacheDirectory.Resolve(parseResult.GetValue(CacheDir));

    /// <summary>The blob cache under the cache directory.</summary>
    public static BlobCache GetCache(ParseResult parseResult) => new(GetCacheDirectory(parseResult));

    /// <summary>The advisory database file: the command's --db value, else the one in the cache directory.</summary>
    public static string GetAdvisoryDatabase(ParseResult parseResult, Option<string?> database) =>
        parseResult.GetValue(database) ?? Path.Combine(GetCacheDirectory(parseResult), AdvisoryStore.DefaultFileName);

    /// <summary>The requested platform, or null for the host's.</summary>
    /// <exception cref="FormatException">The value is not OS/ARCHITECTURE[/VARIANT].</exception>
    public static Platform? GetPlatform(ParseResult parseResult) =>
        parseResult.GetValue(Platform) is { } text ? Oci.Model.Platform.Parse(text) : null;

    /// <summary>
    /// Builds the transport options: credentials from --username and --password-stdin (read
    /// here, once), --insecure, the blob cache and the command's logger factory.
    /// </summary>
    /// <exception cref="ArgumentException">--password-stdin or --username is given without the other.</exception>
    public static ImageTransportOptions CreateTransportOptions(ParseResult parseResult, CliContext context)
    {
        return new ImageTransportOptions
        {
            Insecure = parseResult.GetValue(Insecure),
            Credential = ReadCredential(parseResult, context.Stdin),
            Cache = GetCache(parseResult),
            LoggerFactory = context.LoggerFactory,
        };
    }

    private static RegistryCredential? ReadCredential(ParseResult parseResult, TextReader stdin)
    {
        var username = parseResult.GetValue(Username);
        var fromStdin = parseResult.GetValue(PasswordStdin);
        if (username is null && !fromStdin)
        {
            return null;
        }

        if (username is null || !fromStdin)
        {
            throw new ArgumentException(
                "--username and --password-stdin go together: give both, or neither to use ~/.docker/config.json.");
        }

        var password = stdin.ReadToEnd().TrimEnd('\r', '\n');
        if (password.Length == 0)
        {
            throw new ArgumentException("--password-stdin read an empty password from standard input.");
        }

        return new RegistryCredential(username, password);
    }
}
