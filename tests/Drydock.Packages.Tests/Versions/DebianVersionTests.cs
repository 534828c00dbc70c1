using Drydock.Packages.Versions;

namespace Drydock.Packages.Tests.Versions;

public sealed class DebianVersionTests
{
    public static TheoryData<string, string, int> DpkgRows()
    {
        var rows = new TheoryData<string, string, int>();
        foreach (var row in TestData.Rows("dpkg-comparisons.txt"))
        {
            rows.Add(row[0], row[1], int.Parse(row[2]));
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(DpkgRows))]
    public void Compare_DpkgReferenceRow(string left, string right, int expected)
    {
        var a = DebianVersion.Parse(left);
        var b = DebianVersion.Parse(right);

        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(-expected, Math.Sign(b.CompareTo(a)));
        Assert.Equal(expected == 0, a == b);
        if (expected == 0)
        {
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }
    }

    [Theory]
    [InlineData("1.0~rc1-1", "1.0-1", -1)]
    [InlineData("1.0", "0:1.0", 0)]
    [InlineData("1.0", "1.0-0", 0)]
    [InlineData("1.0", "1.00", 0)]
    [InlineData("1.0", "1.0-1", -1)]
    [InlineData("1:0.1", "9.9", 1)]
    [InlineData("1.0~~", "1.0~", -1)]
    [InlineData("1.0~", "1.0", -1)]
    [InlineData("1.0", "1.0a", -1)]
    [InlineData("1.0a", "1.0+", -1)]
    [InlineData("1.0+", "1.0.", -1)]
    [InlineData("2.38.1-5+b1", "2.38.1-5", 1)]
    [InlineData("1.2.3+deb12u1", "1.2.3+deb12u10", -1)]
    [InlineData("1.99999999999999999999999999998", "1.99999999999999999999999999999", -1)]
    [InlineData("1.000000000000000000000000000001", "1.1", 0)]
    [InlineData("0:09azAZ.-+~:-0", "0:09azAZ.-+~:-00", 0)]
    public void Compare_KnownOrder(string left, string right, int expected)
    {
        Assert.Equal(expected, Math.Sign(DebianVersion.Compare(left, right)));
        Assert.Equal(-expected, Math.Sign(DebianVersion.Compare(right, left)));
    }

    [Fact]
    public void Sort_MatchesDpkgOrder()
    {
        string[] unsorted = ["4:4-4", "5.0abc", "0.0-0.0alpha0", "10.100.1-1", "0~999.999zeta", "0:1.0-0"];
        string[] expected = ["0~999.999zeta", "0.0-0.0alpha0", "0:1.0-0", "5.0abc", "10.100.1-1", "4:4-4"];

        var sorted = unsorted.Select(DebianVersion.Parse).Order(DebianVersionComparer.Instance);

        Assert.Equal(expected, sorted.Select(v => v.ToString()));
    }

    [Fact]
    public void ComparePart_MatchesDpkgStringOrder()
    {
        string[] unsorted = ["10a10", "~zyx999", "Z0z", "~000", "aa5AA", "~abc"];
        string[] expected = ["~000", "~abc", "~zyx999", "10a10", "Z0z", "aa5AA"];

        var sorted = unsorted.Order(
            Comparer<string>.Create((a, b) => DebianVersionComparer.CompareParts(a, b)));

        Assert.Equal(expected, sorted);
    }

    [Theory]
    [InlineData("0", 0, "0", "")]
    [InlineData("0:0-0", 0, "0", "0")]
    [InlineData("1:0", 1, "0", "")]
    [InlineData("0:0-0-0", 0, "0-0", "0")]
    [InlineData("0:0:0-0", 0, "0:0", "0")]
    [InlineData("0:0-0:0-0", 0, "0-0:0", "0")]
    [InlineData("1:1.0:1.0", 1, "1.0:1.0", "")]
    [InlineData("0:09azAZ.-+~:-0", 0, "09azAZ.-+~:", "0")]
    [InlineData("0:0-azAZ09.+~", 0, "0", "azAZ09.+~")]
    [InlineData("  \t0:0-1", 0, "0", "1")]
    [InlineData("\t  0:0-1  \t", 0, "0", "1")]
    [InlineData("2:2.38.1-5+b1", 2, "2.38.1", "5+b1")]
    public void Parse_SplitsParts(string text, int epoch, string upstream, string revision)
    {
        var version = DebianVersion.Parse(text);

        Assert.Equal(epoch, version.Epoch);
        Assert.Equal(upstream, version.Upstream);
        Assert.Equal(revision, version.Revision);
        Assert.Null(version.Warning);
        Assert.Equal(text.Trim(), version.ToString());
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("blank", "  ")]
    [InlineData("nothing after epoch", "0:")]
    [InlineData("empty epoch", ":1.0")]
    [InlineData("empty revision", "1.0-")]
    [InlineData("embedded space", "0:0 0-1")]
    [InlineData("negative epoch", "-1:0-1")]
    [InlineData("huge epoch", "999999999999999999999999:0-1")]
    [InlineData("epoch just above int", "2147483648:1.0")]
    [InlineData("letter epoch", "a:0-0")]
    [InlineData("upper-case epoch", "A:0-0")]
    [InlineData("letter in epoch", "10a:5.2")]
    [InlineData("word epoch", "a:1.0")]
    [InlineData("empty upstream", "-0")]
    [InlineData("empty upstream after epoch", "0:-0")]
    public void Parse_RejectsInvalid(string name, string text)
    {
        var error = Assert.Throws<FormatException>(() => DebianVersion.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.False(DebianVersion.TryParse(text, out _), name);
        Assert.False(DebianVersion.TryParse(text, out _, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Parse_AcceptsLargestEpoch()
    {
        Assert.Equal(int.MaxValue, DebianVersion.Parse("2147483647:1.0").Epoch);
    }

    [Theory]
    [InlineData("0:abc3-0")]
    [InlineData("foo5.2")]
    [InlineData("0:foo5.2")]
    [InlineData("5.2@3-2")]
    [InlineData("0:0-0:0")]
    public void Parse_WarnsLikeDpkg(string text)
    {
        var version = DebianVersion.Parse(text);

        Assert.NotNull(version.Warning);
    }

    [Fact]
    public void Parse_WarnsOnEveryInvalidCharacter()
    {
        foreach (var c in "!#@$%&/|\\<>()[]{};,_=*^'")
        {
            Assert.NotNull(DebianVersion.Parse($"0:0{c}-0").Warning);
        }

        foreach (var c in "!#@$%&/|\\<>()[]{}:;,_=*^'")
        {
            Assert.NotNull(DebianVersion.Parse($"0:0-{c}").Warning);
        }
    }

    [Fact]
    public void TryParse_NullIsInvalid()
    {
        Assert.False(DebianVersion.TryParse(null, out _));
    }

    [Fact]
    public void Default_EqualsZero()
    {
        Assert.Equal(DebianVersion.Parse("0"), default);
        Assert.Equal("0", default(DebianVersion).ToString());
    }

    [Fact]
    public void HashSet_TreatsEqualVersionsAsOne()
    {
        var set = new HashSet<DebianVersion>
        {
            DebianVersion.Parse("1.0"),
            DebianVersion.Parse("0:1.0"),
            DebianVersion.Parse("1.0-0"),
            DebianVersion.Parse("01.00-00"),
        };

        Assert.Single(set);
    }
}
