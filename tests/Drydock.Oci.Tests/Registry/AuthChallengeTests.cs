// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using Drydock.Oci.Registry;

namespace Drydock.Oci.Tests.Registry;

public sealed class AuthChallengeTests
{
    [Fact]
    public void ParseAll_bearer_with_push_scope()
    {
        var header = "Bearer realm=\"http://127.0.0.1:1/token\",service=\"registry\","
            + "scope=\"repository:a/b:pull,push\"";

        var challenge = Assert.Single(AuthChallenge.ParseAll(header));

        Assert.True(challenge.IsBearer);
        Assert.Equal("http://127.0.0.1:1/token", challenge.Realm);
        Assert.Equal("registry", challenge.Service);
        Assert.Equal("repository:a/b:pull,push", challenge.Scope);
    }

    [Theory]
    [InlineData("lower-case scheme", "bearer realm=\"r\"", "bearer", "r")]
    [InlineData("unquoted value", "Bearer realm=r", "Bearer", "r")]
    [InlineData("spaces around equals", "Bearer realm = \"r\" , service = \"s\"", "Bearer", "r")]
    [InlineData("escaped quote", "Basic realm=\"a\\\"b\"", "Basic", "a\"b")]
    [InlineData("upper-case parameter", "Basic REALM=\"r\"", "Basic", "r")]
    public void ParseAll_variants(string name, string header, string scheme, string realm)
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(header));

        Assert.Equal(scheme, challenge.Scheme);
        Assert.Equal(realm, challenge.Realm);
    }

    [Fact]
    public void ParseAll_two_challenges()
    {
        var challenges = AuthChallenge.ParseAll("Basic realm=\"a\", Bearer realm=\"b\",service=\"s\"");

        Assert.Equal(2, challenges.Count);
        Assert.True(challenges[0].IsBasic);
        Assert.True(challenges[1].IsBearer);
        Assert.Equal("s", challenges[1].Service);
    }

    [Fact]
    public void ParseAll_scheme_without_parameters()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll("Basic"));

        Assert.Empty(challenge.Parameters);
    }

    [Theory]
    [InlineData("unterminated quote", "Bearer realm=\"abc")]
    [InlineData("missing value", "Bearer realm=")]
    [InlineData("no scheme", "=\"x\"")]
    [InlineData("junk after value", "Bearer realm=\"a\" \"b\"")]
    public void ParseAll_rejects(string name, string header)
    {
        var error = Assert.Throws<FormatException>(() => AuthChallenge.ParseAll(header));

        Assert.Contains(header, error.Message, StringComparison.Ordinal);
    }
}
