namespace Drydock.Oci.Tests;

public sealed class DigestTests
{
    [Fact]
    public void Parse_valid_sha256()
    {
        var text = "sha256:" + new string('a', 64);

        var digest = Digest.Parse(text);

        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal(text, digest.ToString());
    }

    [Theory]
    [InlineData("sha256:ABC")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256")]
    [InlineData("")]
    public void TryParse_rejects(string text)
    {
        Assert.False(Digest.TryParse(text, out _));
    }

    [Fact]
    public void Compute_empty_content()
    {
        var digest = Digest.Compute([]);

        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", digest.ToString());
    }
}
