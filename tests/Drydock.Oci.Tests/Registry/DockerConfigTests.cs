// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using System.Text;
using Drydock.Oci.Registry;

namespace Drydock.Oci.Tests.Registry;

public sealed class DockerConfigTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("drydock-docker-config-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("host and port key", "127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData("url key", "http://127.0.0.1:5000/v2/", "127.0.0.1:5000")]
    [InlineData("docker hub v1 key", "https://index.docker.io/v1/", "docker.io")]
    public void Find_base64_auth(string name, string key, string registry)
    {
        Write(AuthEntry(key, "alice:s3cret:with:colons"));

        var credential = DockerConfig.Find(registry, _directory.FullName);

        Assert.Equal(new RegistryCredential("alice", "s3cret:with:colons"), credential);
    }

    [Fact]
    public void Find_username_and_password_fields()
    {
        Write("""{"auths":{"ghcr.io":{"username":"bob","password":"pw"}}}""");

        Assert.Equal(new RegistryCredential("bob", "pw"), DockerConfig.Find("ghcr.io", _directory.FullName));
    }

    [Fact]
    public void Find_other_registry_returns_null()
    {
        Write(AuthEntry("ghcr.io", "a:b"));

        Assert.Null(DockerConfig.Find("quay.io", _directory.FullName));
    }

    [Fact]
    public void Find_without_file_returns_null()
    {
        Assert.Null(DockerConfig.Find("ghcr.io", _directory.FullName));
    }

    [Theory]
    [InlineData("not json", "{auths")]
    [InlineData("auth not base64", """{"auths":{"ghcr.io":{"auth":"%%%"}}}""")]
    [InlineData("auth without colon", """{"auths":{"ghcr.io":{"auth":"YWxpY2U="}}}""")]
    [InlineData("entry not an object", """{"auths":{"ghcr.io":"x"}}""")]
    public void Find_rejects_corrupt_config(string name, string json)
    {
        Write(json);

        var error = Assert.Throws<InvalidDataException>(() => DockerConfig.Find("ghcr.io", _directory.FullName));

        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_ToString_hides_password()
    {
        Assert.DoesNotContain("pw", new RegistryCredential("bob", "pw").ToString(), StringComparison.Ordinal);
    }

    private void Write(string json) => File.WriteAllText(Path.Combine(_directory.FullName, "config.json"), json);

    private static string AuthEntry(string key, string userAndPassword) =>
        "{\"auths\":{\"" + key + "\":{\"auth\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword))
        + "\"}}}";
}
