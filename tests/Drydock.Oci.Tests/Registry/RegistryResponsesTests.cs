// The first column of each theory row is its name, shown in test output only.
#pragma warning disable xUnit1026

using System.Net;
using System.Text;
using Drydock.Oci.Registry;

namespace Drydock.Oci.Tests.Registry;

public sealed class RegistryResponsesTests
{
    [Fact]
    public void Redact_removes_user_information_and_signed_query()
    {
        var uri = new Uri("https://user:pass@registry.test/v2/a/blobs/uploads/1?_state=SECRET&digest=sha256%3Aab");

        var redacted = RegistryResponses.Redact(uri);

        Assert.Equal("https://registry.test/v2/a/blobs/uploads/1?_state=REDACTED&digest=sha256%3Aab", redacted);
    }

    [Fact]
    public void Redact_keeps_plain_url()
    {
        Assert.Equal(
            "http://127.0.0.1:5000/v2/a/manifests/v1",
            RegistryResponses.Redact(new Uri("http://127.0.0.1:5000/v2/a/manifests/v1")));
    }

    [Fact]
    public void ParseErrors_reads_codes_and_messages()
    {
        var body = """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}},{"code":"DENIED"}]}""";

        var errors = RegistryResponses.ParseErrors(Encoding.UTF8.GetBytes(body));

        Assert.Equal(2, errors.Count);
        Assert.Equal(new RegistryError("MANIFEST_UNKNOWN", "manifest unknown"), errors[0]);
        Assert.Equal(new RegistryError("DENIED", string.Empty), errors[1]);
    }

    [Theory]
    [InlineData("html", "<html>502 Bad Gateway</html>")]
    [InlineData("empty", "")]
    [InlineData("errors not a list", """{"errors":"x"}""")]
    [InlineData("truncated", """{"errors":[{"code":""")]
    [InlineData("list of strings", """{"errors":["x"]}""")]
    public void ParseErrors_tolerates_corrupt_bodies(string name, string body)
    {
        Assert.Empty(RegistryResponses.ParseErrors(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task EnsureSuccess_throws_typed_exception()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/v2/a/manifests/v1?token=SECRET");
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            RequestMessage = request,
            Content = new StringContent("""{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"""),
        };
        response.Headers.TryAddWithoutValidation("Retry-After", "7");

        var error = await Assert.ThrowsAsync<RegistryException>(
            () => RegistryResponses.EnsureSuccessAsync(response, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("GET", error.Method);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Url, StringComparison.Ordinal);
        Assert.Equal("TOOMANYREQUESTS", Assert.Single(error.Errors).Code);
        Assert.True(error.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
    }

    [Fact]
    public void RetryAfter_reads_http_date()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", DateTimeOffset.UtcNow.AddHours(1).ToString("R"));

        var delay = RegistryResponses.RetryAfter(response);

        Assert.NotNull(delay);
        Assert.InRange(delay.Value, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public void RetryAfter_in_the_past_is_zero()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");

        Assert.Equal(TimeSpan.Zero, RegistryResponses.RetryAfter(response));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.NotImplemented, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    public void IsRetryable_by_status(HttpStatusCode status, bool expected)
    {
        var error = new RegistryException("GET", "http://x/", status, [], null);

        Assert.Equal(expected, error.IsRetryable);
    }
}
