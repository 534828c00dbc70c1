// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using Drydock.Oci.References;

namespace Drydock.Oci.Tests.References;

public sealed class ImageReferenceTests
{
    private const string Hex = "4f9e8e3c1d1c6a3a2ab7d0e8f4b0b7a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7";

    [Theory]
    [InlineData("short name", "debian", "docker.io", "library/debian", null)]
    [InlineData("short name with tag", "debian:bookworm", "docker.io", "library/debian", "bookworm")]
    [InlineData("hub user repository", "bitnami/redis:7", "docker.io", "bitnami/redis", "7")]
    [InlineData("hub full name", "docker.io/library/debian:12", "docker.io", "library/debian", "12")]
    [InlineData("legacy hub host", "index.docker.io/debian", "docker.io", "library/debian", null)]
    [InlineData("host with port", "127.0.0.1:5000/tiny:v1", "127.0.0.1:5000", "tiny", "v1")]
    [InlineData("localhost", "localhost/a/b", "localhost", "a/b", null)]
    [InlineData("dotted host", "ghcr.io/org/app:1.2.3", "ghcr.io", "org/app", "1.2.3")]
    [InlineData("ipv6 host", "[::1]:5000/tiny", "[::1]:5000", "tiny", null)]
    [InlineData("separators", "quay.io/a.b/c_d/e__f/g-h--i", "quay.io", "a.b/c_d/e__f/g-h--i", null)]
    public void Parse_valid(string name, string text, string registry, string repository, string? tag)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
    }

    [Fact]
    public void Parse_digest_and_tag()
    {
        var reference = ImageReference.Parse($"127.0.0.1:5000/tiny:v1@sha256:{Hex}");

        Assert.Equal("v1", reference.Tag);
        Assert.Equal("sha256:" + Hex, reference.Digest.ToString());
        Assert.Equal("sha256:" + Hex, reference.ManifestReference);
    }

    [Fact]
    public void ManifestReference_defaults_to_latest()
    {
        Assert.Equal("latest", ImageReference.Parse("debian").ManifestReference);
    }

    [Fact]
    public void ApiHost_of_docker_hub()
    {
        Assert.Equal("registry-1.docker.io", ImageReference.Parse("debian").ApiHost);
        Assert.Equal("ghcr.io", ImageReference.Parse("ghcr.io/a/b").ApiHost);
    }

    [Theory]
    [InlineData("ipv4 loopback", "127.0.0.1:5000/a", true)]
    [InlineData("other 127 address", "127.9.8.7/a", true)]
    [InlineData("localhost with port", "localhost:5000/a", true)]
    [InlineData("ipv6 loopback", "[::1]:5000/a", true)]
    [InlineData("remote", "ghcr.io/a", false)]
    [InlineData("docker hub", "debian", false)]
    public void IsLoopback(string name, string text, bool expected)
    {
        Assert.Equal(expected, ImageReference.Parse(text).IsLoopback);
    }

    [Theory]
    [InlineData("full name", "docker.io/library/debian:bookworm")]
    [InlineData("digest only", "127.0.0.1:5000/tiny@sha256:" + Hex)]
    [InlineData("tag and digest", "ghcr.io/a/b:1@sha256:" + Hex)]
    public void ToString_round_trips(string name, string text)
    {
        Assert.Equal(text, ImageReference.Parse(text).ToString());
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("upper-case repository", "docker.io/library/Debian")]
    [InlineData("upper-case short name", "Debian")]
    [InlineData("bad digest", "debian@sha256:abc")]
    [InlineData("unknown digest algorithm", "debian@md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("empty tag", "debian:")]
    [InlineData("tag starting with dot", "debian:.x")]
    [InlineData("tag too long", "debian:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("empty repository", "ghcr.io/")]
    [InlineData("double slash", "ghcr.io/a//b")]
    [InlineData("trailing separator", "ghcr.io/a-")]
    [InlineData("space", "debian bookworm")]
    [InlineData("bad port", "127.0.0.1:port/a")]
    public void TryParse_rejects(string name, string text)
    {
        Assert.False(ImageReference.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Parse_error_names_value()
    {
        var error = Assert.Throws<FormatException>(() => ImageReference.Parse("docker.io/library/Debian"));

        Assert.Contains("'library/Debian'", error.Message, StringComparison.Ordinal);
    }
}
