using System.Text.Json;
using Drydock.Testing.Rootfs;
using Xunit;

namespace Drydock.Testing.Reports;

/// <summary>
/// Validates a SARIF log twice: with Microsoft's SARIF Multitool (npm package
/// <c>@microsoft/sarif-multitool-linux</c>, verb <c>validate</c>), asserting that it reports no
/// error, and with the SARIF 2.1.0 JSON schema that package ships, because the Multitool 5.7.0
/// reports nothing at all for a log it cannot deserialize (an unknown <c>level</c> value).
/// </summary>
public static class SarifValidator
{
    private static string Tool => Path.Combine(NpmDirectory, "node_modules", "@microsoft", "sarif-multitool-linux",
        "Sarif.Multitool");

    private static string NpmDirectory => Environment.GetEnvironmentVariable("DRYDOCK_NPM_DIR")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "drydock-tests", "npm");

    public static void AssertValid(string sarif)
    {
        if (!File.Exists(Tool))
        {
            Assert.Skip($"'{Tool}' not found; run scripts/install-test-deps.");
        }

        var folder = Directory.CreateTempSubdirectory("drydock-sarif-").FullName;
        try
        {
            var input = Path.Combine(folder, "scan.sarif");
            var output = Path.Combine(folder, "validation.sarif");
            File.WriteAllText(input, sarif);
            var (exitCode, stdout, stderr) = DebianRootfs.Capture(Tool, "validate", input, "--output", output);
            Assert.True(exitCode == 0, $"SARIF Multitool failed with {exitCode}:\n{stdout}\n{stderr}");
            var errors = Errors(output);
            Assert.True(errors.Count == 0, "SARIF Multitool reports errors:\n" + string.Join('\n', errors));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        SchemaValidation.AssertValid("sarif", sarif);
    }

    private static List<string> Errors(string validationLog)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(validationLog));
        var errors = new List<string>();
        foreach (var run in json.RootElement.GetProperty("runs").EnumerateArray())
        {
            foreach (var result in run.GetProperty("results").EnumerateArray())
            {
                if (result.TryGetProperty("level", out var level) && level.GetString() == "error")
                {
                    errors.Add(result.GetRawText());
                }
            }

            foreach (var invocation in run.GetProperty("invocations").EnumerateArray())
            {
                if (!invocation.GetProperty("executionSuccessful").GetBoolean())
                {
                    errors.Add(invocation.GetRawText());
                }
            }
        }

        return errors;
    }
}
