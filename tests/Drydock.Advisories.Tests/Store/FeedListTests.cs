namespace Drydock.Advisories.Tests.Store;

public sealed class FeedListTests
{
    [Fact]
    public void Override_SameFileName_ReplacesUrlInPlace()
    {
        var list = FeedDefinition.ParseList(
            "debian-osv.zip http://127.0.0.1:1/debian.zip\nalpine.json http://127.0.0.1:1/alpine.json\n", "feeds.list");
        var overrides = new[]
        {
            FeedDefinition.ParseOption("debian-osv.zip=http://127.0.0.1:2/all.zip"),
            FeedDefinition.ParseOption("ubuntu-osv.zip=http://127.0.0.1:2/ubuntu.zip"),
        };

        var result = FeedDefinition.Override(list, overrides);

        Assert.Equal(["debian-osv.zip", "alpine.json", "ubuntu-osv.zip"], result.Select(f => f.FileName));
        Assert.Equal("http://127.0.0.1:2/all.zip", result[0].Url.ToString());
        Assert.Equal("http://127.0.0.1:1/alpine.json", result[1].Url.ToString());
    }

    [Theory]
    [InlineData("no url", "debian-osv.zip")]
    [InlineData("empty name", "=http://127.0.0.1/a.zip")]
    [InlineData("absolute name", "/etc/passwd=http://127.0.0.1/a.zip")]
    [InlineData("parent name", "a/../../b.zip=http://127.0.0.1/a.zip")]
    [InlineData("file url", "a.zip=file:///etc/passwd")]
    public void ParseOption_Invalid_ThrowsNamingValue(string name, string value)
    {
        Assert.NotEmpty(name);

        var error = Assert.Throws<InvalidDataException>(() => FeedDefinition.ParseOption(value));

        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Official_ListsTheDistributionFeedsOverHttps()
    {
        var feeds = FeedDefinition.Official;

        Assert.Contains(feeds, feed => feed.FileName == "debian-osv.zip");
        Assert.Contains(feeds, feed => feed.FileName == "debian-tracker.json");
        Assert.Contains(feeds, feed => feed.FileName.StartsWith("alpine-secdb/", StringComparison.Ordinal));
        Assert.All(feeds, feed => Assert.Equal("https", feed.Url.Scheme));
    }
}
