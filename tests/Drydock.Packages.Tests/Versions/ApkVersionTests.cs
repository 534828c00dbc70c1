using Drydock.Packages.Versions;

namespace Drydock.Packages.Tests.Versions;

public sealed class ApkVersionTests
{
    /// <summary>Every non-empty row of apk-tools' version.data, with its line number.</summary>
    public static TheoryData<int, string> ApkRows()
    {
        var rows = new TheoryData<int, string>();
        var path = Path.Combine(AppContext.BaseDirectory, "Versions", "testdata", "apk-version.data");
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var row = (hash >= 0 ? line[..hash] : line).Trim();
            if (row.Length > 0)
            {
                rows.Add(lineNumber, row);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(ApkRows))]
    public void ApkReferenceRow(int line, string row)
    {
        var parts = row.Split(' ', 3);
        if (parts.Length < 3)
        {
            var valid = !row.StartsWith('!');
            var text = valid ? row : row[1..];
            Assert.True(valid == ApkVersion.TryParse(text, out _), $"line {line}: validity of '{text}'");
            return;
        }

        var (left, op, right) = (parts[0], parts[1], parts[2]);
        var expected = !op.StartsWith('!');
        op = expected ? op : op[1..];
        Assert.True(expected == ApkVersionComparer.Matches(left, op, right), $"line {line}: {row}");

        if (op is "<" or ">" or "=" && ApkVersion.TryParse(left, out var a) && ApkVersion.TryParse(right, out var b))
        {
            var sign = Math.Sign(a.CompareTo(b));
            var isTrue = op switch { "<" => sign < 0, ">" => sign > 0, _ => sign == 0 };
            Assert.True(expected == isTrue, $"line {line}: {row} through ApkVersion");
        }
    }

    [Theory]
    [InlineData("1.6_rc1-r0", "1.6-r0", -1)]
    [InlineData("1.6-r0", "1.6-r1", -1)]
    [InlineData("1.6_p1", "1.6", 1)]
    [InlineData("1.6_alpha", "1.6_beta", -1)]
    [InlineData("1.6_beta", "1.6_pre", -1)]
    [InlineData("1.6_pre", "1.6_rc", -1)]
    [InlineData("1.6_cvs", "1.6_svn", -1)]
    [InlineData("1.6_svn", "1.6_git", -1)]
    [InlineData("1.6_git", "1.6_hg", -1)]
    [InlineData("1.6_hg", "1.6_p", -1)]
    [InlineData("1.6a", "1.6b", -1)]
    [InlineData("1.6", "1.6a", -1)]
    [InlineData("1.01", "1.1", -1)]
    [InlineData("1.0", "1.00", -1)]
    [InlineData("01.2-r01", "1.2-r1", 0)]
    [InlineData("1.2_alpha01", "1.2_alpha1", 0)]
    [InlineData("1.2~abc-r1", "1.2~abd-r1", -1)]
    [InlineData("1.99999999999999999999999", "1.99999999999999999999998", 1)]
    public void Compare_KnownOrder(string left, string right, int expected)
    {
        var a = ApkVersion.Parse(left);
        var b = ApkVersion.Parse(right);

        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(-expected, Math.Sign(b.CompareTo(a)));
        Assert.Equal(expected == 0, a == b);
        if (expected == 0)
        {
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a1.0")]
    [InlineData("1.0-r")]
    [InlineData("1.0_foo")]
    [InlineData("1.0-1")]
    [InlineData("1.0 ")]
    [InlineData("1.0A")]
    [InlineData("1..0")]
    public void Parse_RejectsInvalid(string text)
    {
        var error = Assert.Throws<FormatException>(() => ApkVersion.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.False(ApkVersion.TryParse(text, out _));
    }

    [Fact]
    public void Matches_RejectsUnknownOperator()
    {
        Assert.Throws<FormatException>(() => ApkVersionComparer.Matches("1.0", "!=", "1.0"));
        Assert.Throws<FormatException>(() => ApkVersionComparer.Matches("1.0", "", "1.0"));
    }

    [Fact]
    public void ToString_KeepsText()
    {
        Assert.Equal("01.2-r01", ApkVersion.Parse("01.2-r01").ToString());
    }
}
