using Drydock.Packages.Versions;

namespace Drydock.Packages.Tests.Versions;

public sealed class RpmVersionTests
{
    public static TheoryData<string, string, int> RpmRows()
    {
        var rows = new TheoryData<string, string, int>();
        foreach (var row in TestData.Rows("rpmvercmp.txt"))
        {
            rows.Add(row[0], row[1], int.Parse(row[2]));
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(RpmRows))]
    public void CompareSegments_RpmReferenceRow(string left, string right, int expected)
    {
        Assert.Equal(expected, RpmVersionComparer.CompareSegments(left, right));

        if (RpmVersion.TryParse(left, out var a) && RpmVersion.TryParse(right, out var b))
        {
            Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
            Assert.Equal(expected == 0, a == b);
            if (expected == 0)
            {
                Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }
        }
    }

    [Theory]
    [InlineData("1.0^", "1.0", 1)]
    [InlineData("1:1.0", "2.0", 1)]
    [InlineData("0:1.0", "1.0", 0)]
    [InlineData(":1.0", "1.0", 0)]
    [InlineData("1.0", "1.0-1", -1)]
    [InlineData("1.0-1", "1.0-1.el9", -1)]
    [InlineData("1.0-1.el9", "1.0-1.el9_2", -1)]
    [InlineData("1.0~rc1-1", "1.0-1", -1)]
    [InlineData("2:1.0-1", "1:9.9-9", 1)]
    [InlineData("1_0", "1.0", 0)]
    [InlineData("1.00-01", "1.0-1", 0)]
    [InlineData("3.0.7-27.el9", "3.0.7-24.el9", 1)]
    [InlineData("1.2.3-4.cm2", "1.2.3-10.cm2", -1)]
    public void Compare_KnownOrder(string left, string right, int expected)
    {
        var a = RpmVersion.Parse(left);
        var b = RpmVersion.Parse(right);

        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(-expected, Math.Sign(b.CompareTo(a)));
        Assert.Equal(expected == 0, a == b);
        if (expected == 0)
        {
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }
    }

    [Theory]
    [InlineData("1.0", 0u, false, "1.0", null)]
    [InlineData("1:1.0", 1u, true, "1.0", null)]
    [InlineData("2:3.0.7-27.el9", 2u, true, "3.0.7", "27.el9")]
    public void Parse_SplitsParts(string text, uint epoch, bool hasEpoch, string version, string? release)
    {
        var parsed = RpmVersion.Parse(text);

        Assert.Equal(epoch, parsed.Epoch);
        Assert.Equal(hasEpoch, parsed.HasEpoch);
        Assert.Equal(version, parsed.Version);
        Assert.Equal(release, parsed.Release);
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:1.0")]
    [InlineData("1.0-")]
    [InlineData("-1")]
    [InlineData("1:")]
    [InlineData("1 0")]
    [InlineData("1.0%{dist}")]
    [InlineData("4294967296:1.0")]
    [InlineData("1.1.α")]
    [InlineData("1.0-1-2")]
    public void Parse_RejectsInvalid(string text)
    {
        var error = Assert.Throws<FormatException>(() => RpmVersion.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.False(RpmVersion.TryParse(text, out _));
    }

    [Fact]
    public void FromParts_BuildsFromHeaderValues()
    {
        var version = RpmVersion.FromParts(1, "3.0.7", "27.el9");

        Assert.Equal("1:3.0.7-27.el9", version.ToString());
        Assert.Equal(RpmVersion.Parse("1:3.0.7-27.el9"), version);
        Assert.Equal("3.0.7-27.el9", RpmVersion.FromParts(null, "3.0.7", "27.el9").ToString());
    }

    [Fact]
    public void FromParts_RejectsHyphenInVersion()
    {
        Assert.Throws<FormatException>(() => RpmVersion.FromParts(null, "1-2", "3"));
        Assert.Throws<FormatException>(() => RpmVersion.FromParts(null, "1:2", null));
    }
}
