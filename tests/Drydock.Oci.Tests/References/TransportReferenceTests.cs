// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using Drydock.Oci.References;

namespace Drydock.Oci.Tests.References;

public sealed class TransportReferenceTests
{
    [Theory]
    [InlineData("oci directory", "oci:/tmp/layout", TransportKind.OciLayout, "/tmp/layout", null)]
    [InlineData("oci directory with tag", "oci:/tmp/layout:v1", TransportKind.OciLayout, "/tmp/layout", "v1")]
    [InlineData("oci relative path", "oci:out:latest", TransportKind.OciLayout, "out", "latest")]
    [InlineData("oci archive", "oci-archive:/tmp/a.tar:v2", TransportKind.OciArchive, "/tmp/a.tar", "v2")]
    [InlineData("docker archive", "docker-archive:/tmp/d.tar", TransportKind.DockerArchive, "/tmp/d.tar", null)]
    [InlineData(
        "docker archive with reference", "docker-archive:/tmp/d.tar:debian:12", TransportKind.DockerArchive,
        "/tmp/d.tar", "debian:12")]
    public void Parse_file_transports(string name, string text, TransportKind kind, string path, string? tag)
    {
        var reference = TransportReference.Parse(text);

        Assert.Equal(kind, reference.Kind);
        Assert.Equal(path, reference.Path);
        Assert.Equal(tag, reference.Tag);
        Assert.Null(reference.Image);
    }

    [Theory]
    [InlineData("docker prefix", "docker://127.0.0.1:5000/tiny:v1", "127.0.0.1:5000/tiny:v1")]
    [InlineData("bare reference", "127.0.0.1:5000/tiny:v1", "127.0.0.1:5000/tiny:v1")]
    [InlineData("docker prefix short name", "docker://debian:bookworm", "docker.io/library/debian:bookworm")]
    [InlineData("bare short name", "debian:bookworm", "docker.io/library/debian:bookworm")]
    public void Parse_registry(string name, string text, string expected)
    {
        var reference = TransportReference.Parse(text);

        Assert.Equal(TransportKind.Registry, reference.Kind);
        Assert.Equal(expected, reference.Image!.ToString());
    }

    [Theory]
    [InlineData("oci", "oci:/tmp/layout:v1")]
    [InlineData("registry", "docker://ghcr.io/a/b:1")]
    public void ToString_round_trips(string name, string text)
    {
        Assert.Equal(text, TransportReference.Parse(text).ToString());
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("oci without path", "oci:")]
    [InlineData("oci with empty tag", "oci:/tmp/layout:")]
    [InlineData("archive without path", "oci-archive::v1")]
    [InlineData("docker without name", "docker://")]
    [InlineData("docker upper-case", "docker://Debian")]
    public void TryParse_rejects(string name, string text)
    {
        Assert.False(TransportReference.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }
}
