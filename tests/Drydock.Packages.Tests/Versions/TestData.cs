namespace Drydock.Packages.Tests.Versions;

/// <summary>Reads the whitespace-separated rows of a reference file under Versions/testdata.</summary>
internal static class TestData
{
    public static IEnumerable<string[]> Rows(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Versions", "testdata", fileName);
        foreach (var line in File.ReadLines(path))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            yield return trimmed.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
