using Drydock.Testing.Rootfs;
using Xunit;

namespace Drydock.Testing.Reports;

/// <summary>
/// Validates a CycloneDX, SPDX or SARIF document with the official schema through
/// tests/Drydock.Reports.Tests/Schemas/validate.cjs and the npm packages that
/// scripts/install-test-deps installs; skips when node or the packages are missing.
/// </summary>
public static class SchemaValidation
{
    public static void AssertValid(string format, string document)
    {
        var file = Path.Combine(Path.GetTempPath(), $"drydock-{format}-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, document);
        try
        {
            var script = Path.Combine(RepositoryRoot.Path, "tests", "Drydock.Reports.Tests", "Schemas", "validate.cjs");
            var (exitCode, _, errors) = DebianRootfs.Capture("node", script, format, file);
            if (exitCode == 2)
            {
                Assert.Skip($"Schema validators are not installed ({errors.Trim()}); run scripts/install-test-deps.");
            }

            Assert.True(exitCode == 0, $"The {format} document is invalid:\n{errors}\n{document}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
