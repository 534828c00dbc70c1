using System.Globalization;
using Drydock.Packages.Distros;

namespace Drydock.Packages.Tests.Distros;

/// <summary>
/// Checks the embedded support dates against Debian's distro-info-data, the tables Debian and
/// Ubuntu tooling reads the same dates from. A release the installed copy does not list yet
/// is left out, so an older distro-info-data still checks every release it knows.
/// </summary>
public sealed class EndOfLifeTableTests
{
    private const string DistroInfo = "/usr/share/distro-info";

    [Theory]
    [InlineData("debian", "debian.csv", "eol-lts")]
    [InlineData("ubuntu", "ubuntu.csv", "eol")]
    public void Find_AgreesWithDistroInfoData(string table, string file, string column)
    {
        var path = Path.Combine(DistroInfo, file);
        if (!File.Exists(path))
        {
            Assert.Skip($"{path} is missing; install distro-info-data.");
        }

        var compared = 0;
        foreach (var (release, end) in ReadColumn(path, column))
        {
            var listed = EndOfLifeTable.Find(table, release, out _);
            if (listed is not null)
            {
                Assert.True(end == listed, $"{table} {release}: table {listed}, distro-info-data {end}");
                compared++;
            }
        }

        Assert.True(compared >= 7, $"only {compared} {table} releases were compared");
    }

    [Fact]
    public void Find_MarksReleaseOlderThanListed()
    {
        Assert.Null(EndOfLifeTable.Find("debian", "6", out var olderThanKnown));
        Assert.True(olderThanKnown);
        Assert.Equal(new DateOnly(2018, 5, 31), EndOfLifeTable.Earliest("debian"));
    }

    private static IEnumerable<(string Release, DateOnly End)> ReadColumn(string path, string column)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var index = Array.IndexOf(header, column);
        Assert.True(index >= 0, $"{path} has no {column} column");
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(',');
            if (fields.Length > index && fields[index].Length > 0)
            {
                // Ubuntu writes "24.04 LTS"; the table keys on the number alone.
                var release = fields[0].Split(' ')[0];
                yield return (release, DateOnly.ParseExact(fields[index], "yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
        }
    }
}
