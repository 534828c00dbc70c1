using Xunit;

namespace Drydock.Testing.Images;

/// <summary>
/// What an mmdebstrap root contains: suite, variant, extra packages, architecture and skipped steps.
/// </summary>
public sealed record DebianRootSpec
{
    public string Suite { get; init; } = "bookworm";

    public string Variant { get; init; } = "minbase";

    /// <summary>Packages installed beyond the variant's (<c>--include</c>).</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>The Debian architecture (<c>--arch</c>); null for the host's.</summary>
    public string? Architecture { get; init; }

    /// <summary>Steps of mmdebstrap to leave out (<c>--skip</c>), such as <c>output/dev</c>.</summary>
    public IReadOnlyList<string> Skip { get; init; } = [];

    /// <summary>
    /// Returns the mmdebstrap arguments that decide the content, ending with suite, target and
    /// mirror. <see cref="DebianRootFs"/> hashes this list into its cache keys, so the order
    /// must stay as it is.
    /// </summary>
    public string[] Arguments(string target, string mirror)
    {
        var arguments = new List<string> { "--variant=" + Variant };
        if (Architecture is not null)
        {
            arguments.Add("--arch=" + Architecture);
        }

        if (Include.Count > 0)
        {
            arguments.Add("--include=" + string.Join(',', Include));
        }

        arguments.AddRange(Skip.Select(step => "--skip=" + step));
        arguments.AddRange([Suite, target, mirror]);
        return [.. arguments];
    }
}

/// <summary>
/// Builds Debian root file systems with <c>mmdebstrap</c> from the machine's Debian mirror,
/// once per cache path: under the lock of <see cref="FixtureCache"/>, into a temporary path
/// renamed into place when complete. Each fixture keeps its own cache path.
/// </summary>
public static class Mmdebstrap
{
    /// <summary>
    /// Returns <paramref name="path"/>, first building it when the cache lacks it: a directory,
    /// or a tar file when <paramref name="tarball"/> is set. <paramref name="finish"/> may change
    /// a new directory before it is renamed into place. Skips the calling test when mmdebstrap
    /// is missing or the tests do not run as root.
    /// </summary>
    public static string Build(
        string path, DebianRootSpec spec, bool tarball = false, Action<string>? finish = null) =>
        FixtureCache.GetOrCreate(path, temporary =>
        {
            ExternalTool.Require("mmdebstrap");
            if (!Environment.IsPrivilegedProcess)
            {
                Assert.Skip("mmdebstrap fixtures are built as root; run the tests as root or prebuild the cache.");
            }

            // The temporary name does not end in .tar, so the format is given explicitly.
            string[] format = tarball ? ["--format=tar"] : [];
            var arguments = spec.Arguments(temporary, Mirror());
            ExternalTool.Run("mmdebstrap", ["--quiet", "--mode=root", .. format, .. arguments]);
            finish?.Invoke(temporary);
        });

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
