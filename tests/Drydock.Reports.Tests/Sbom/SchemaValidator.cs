using Drydock.Testing.Rootfs;

namespace Drydock.Reports.Tests.Sbom;

/// <summary>
/// Validates documents with the official schemas through Schemas/validate.cjs, which runs the
/// npm validators that scripts/install-test-deps installs; skips when node or they are missing.
/// </summary>
internal static class SchemaValidator
{
    public static void AssertValid(string format, string document)
    {
        var file = Path.Combine(Path.GetTempPath(), $"drydock-sbom-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, document);
        try
        {
            var script = Path.Combine(AppContext.BaseDirectory, "Schemas", "validate.cjs");
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
