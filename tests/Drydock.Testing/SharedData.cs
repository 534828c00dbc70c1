using Xunit;

namespace Drydock.Testing;

/// <summary>
/// Locates the public data sets that the real-data tests read. The folder is taken from
/// <c>DRYDOCK_TEST_DATA</c>, else <c>../shared/data</c> next to the repository root.
/// </summary>
public static class SharedData
{
    /// <summary>The data folder, or null when it is absent on this machine.</summary>
    public static string? Root { get; } = Locate();

    /// <summary>
    /// Returns the full path of a file or folder in the data set, or skips the calling test
    /// with a message that says what is missing.
    /// </summary>
    public static string Require(string relativePath)
    {
        if (Root is null)
        {
            Assert.Skip("Real test data not found: set DRYDOCK_TEST_DATA or place it at ../shared/data.");
        }

        var path = Path.Combine(Root!, relativePath);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Assert.Skip($"Real test data '{path}' not found.");
        }

        return path;
    }

    private static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable("DRYDOCK_TEST_DATA");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? configured : null;
        }

        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "data"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
