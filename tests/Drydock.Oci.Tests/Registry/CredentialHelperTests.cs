using Drydock.Oci.Registry;

namespace Drydock.Oci.Tests.Registry;

/// <summary>
/// Docker configuration files that name credential helpers, with the helpers as small shell
/// scripts in a directory on this process's PATH.
/// </summary>
public sealed class CredentialHelperTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("drydock-credential-helper-");
    private readonly List<string> _helpers = [];

    public void Dispose()
    {
        CredentialHelperScripts.Remove(_helpers);
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void CredHelpers_entry_runs_helper_with_host()
    {
        var helper = Helper("""{"ServerURL":"ghcr.io","Username":"alice","Secret":"s3cret"}""");
        WriteConfig("{\"credHelpers\":{\"ghcr.io\":\"" + helper + "\"}}");

        var credential = DockerConfig.Find("ghcr.io", _directory.FullName);

        Assert.Equal(new RegistryCredential("alice", "s3cret"), credential);
        Assert.Equal("ghcr.io", File.ReadAllText(StdinFile(helper)));
    }

    [Fact]
    public void CredsStore_serves_every_registry()
    {
        var helper = Helper("""{"ServerURL":"x","Username":"bob","Secret":"pw"}""");
        WriteConfig("{\"credsStore\":\"" + helper + "\"}");

        Assert.Equal(new RegistryCredential("bob", "pw"), DockerConfig.Find("127.0.0.1:5000", _directory.FullName));
        Assert.Equal("127.0.0.1:5000", File.ReadAllText(StdinFile(helper)));
    }

    [Fact]
    public void CredHelpers_wins_over_credsStore_and_auths()
    {
        var specific = Helper("""{"Username":"specific","Secret":"a"}""");
        var store = Helper("""{"Username":"store","Secret":"b"}""");
        WriteConfig("{\"credsStore\":\"" + store + "\",\"credHelpers\":{\"quay.io\":\"" + specific + "\"},"
            + "\"auths\":{\"quay.io\":{\"username\":\"file\",\"password\":\"c\"}}}");

        Assert.Equal("specific", DockerConfig.Find("quay.io", _directory.FullName)!.Username);
        Assert.Equal("store", DockerConfig.Find("ghcr.io", _directory.FullName)!.Username);
    }

    [Fact]
    public void Docker_hub_helper_gets_index_url()
    {
        var helper = Helper("""{"Username":"hub","Secret":"pw"}""");
        WriteConfig("{\"credHelpers\":{\"docker.io\":\"" + helper + "\"}}");

        DockerConfig.Find("docker.io", _directory.FullName);

        Assert.Equal("https://index.docker.io/v1/", File.ReadAllText(StdinFile(helper)));
    }

    [Fact]
    public void Token_username_means_identity_token()
    {
        var helper = Helper("""{"ServerURL":"ghcr.io","Username":"<token>","Secret":"refresh-me"}""");
        WriteConfig("{\"credsStore\":\"" + helper + "\"}");

        var credential = DockerConfig.Find("ghcr.io", _directory.FullName)!;

        Assert.True(credential.IsIdentityToken);
        Assert.Equal("refresh-me", credential.Password);
    }

    [Fact]
    public void Identitytoken_in_auths_entry()
    {
        WriteConfig("""{"auths":{"ghcr.io":{"identitytoken":"refresh-me"}}}""");

        var credential = DockerConfig.Find("ghcr.io", _directory.FullName)!;

        Assert.True(credential.IsIdentityToken);
        Assert.Equal("refresh-me", credential.Password);
    }

    [Fact]
    public void Helper_without_credentials_returns_null()
    {
        var helper = Helper("credentials not found in native keychain", exitCode: 1);
        WriteConfig("{\"credsStore\":\"" + helper + "\","
            + "\"auths\":{\"ghcr.io\":{\"username\":\"u\",\"password\":\"p\"}}}");

        Assert.Null(DockerConfig.Find("ghcr.io", _directory.FullName));
    }

    [Fact]
    public void Missing_helper_is_named()
    {
        WriteConfig("""{"credsStore":"drydock-test-not-installed"}""");

        var error = Assert.Throws<FileNotFoundException>(() => DockerConfig.Find("ghcr.io", _directory.FullName));

        Assert.Contains("'docker-credential-drydock-test-not-installed'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ghcr.io'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failing_helper_reports_exit_code_and_message()
    {
        var helper = Helper("keychain is locked", exitCode: 3);
        WriteConfig("{\"credsStore\":\"" + helper + "\"}");

        var error = Assert.Throws<IOException>(() => DockerConfig.Find("ghcr.io", _directory.FullName));

        Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("'keychain is locked'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all, maybe hunter2")]
    [InlineData("""{"Username":"alice"}""")]
    [InlineData("""{"Username":"alice","Secret":42}""")]
    [InlineData("""["alice","hunter2"]""")]
    public void Helper_printing_malformed_output_is_rejected(string output)
    {
        var helper = Helper(output);
        WriteConfig("{\"credsStore\":\"" + helper + "\"}");

        var error = Assert.Throws<InvalidDataException>(() => DockerConfig.Find("ghcr.io", _directory.FullName));

        Assert.Contains($"'docker-credential-{helper}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Helper_that_hangs_times_out()
    {
        var helper = Helper("""{"Username":"late","Secret":"pw"}""", delaySeconds: 30);
        WriteConfig("{\"credsStore\":\"" + helper + "\"}");

        var error = Assert.Throws<TimeoutException>(
            () => DockerConfig.Find("ghcr.io", _directory.FullName, TimeSpan.FromMilliseconds(300)));

        Assert.Contains($"'docker-credential-{helper}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Helper_name_with_path_is_rejected()
    {
        WriteConfig("""{"credsStore":"../../bin/sh"}""");

        var error = Assert.Throws<InvalidDataException>(() => DockerConfig.Find("ghcr.io", _directory.FullName));

        Assert.Contains("'../../bin/sh'", error.Message, StringComparison.Ordinal);
    }

    private string Helper(string output, int exitCode = 0, int delaySeconds = 0)
    {
        var name = CredentialHelperScripts.Write(output, exitCode, delaySeconds, StdinFile);
        _helpers.Add(name);
        return name;
    }

    private string StdinFile(string helper) => Path.Combine(_directory.FullName, helper + ".stdin");

    private void WriteConfig(string json) => File.WriteAllText(Path.Combine(_directory.FullName, "config.json"), json);
}
