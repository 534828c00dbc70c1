using System.Text;
using Drydock.Advisories.Vex;

namespace Drydock.Advisories.Tests.Vex;

public sealed class OpenVexReaderTests
{
    // Shaped as the OpenVEX 0.2.0 specification's example, with a subcomponent purl.
    private const string Valid = """
        {
          "@context": "https://openvex.dev/ns/v0.2.0",
          "@id": "https://openvex.dev/docs/example/vex-9fb3463de1b57",
          "author": "Wolfi J Inkinson",
          "role": "Document Creator",
          "timestamp": "2023-01-08T18:02:03.647787998-06:00",
          "version": 1,
          "statements": [
            {
              "vulnerability": { "name": "CVE-2014-123456", "aliases": ["GHSA-xxxx-yyyy-zzzz"] },
              "timestamp": "2023-01-09T00:00:00Z",
              "products": [
                {
                  "@id": "pkg:oci/example@sha256%3A47fed8868b46b060efb8699dc40e981a0c785650223e03602d8c4493fc75b68c",
                  "subcomponents": [ { "@id": "pkg:deb/debian/openssl@3.0.11-1~deb12u2" } ]
                }
              ],
              "status": "not_affected",
              "justification": "vulnerable_code_not_in_execute_path",
              "impact_statement": "The vulnerable function is not called."
            },
            {
              "vulnerability": "CVE-2015-0001",
              "status": "fixed"
            }
          ]
        }
        """;

    [Fact]
    public void Read_Example_ParsesStatements()
    {
        var statements = OpenVexReader.Read(Encoding.UTF8.GetBytes(Valid), "example.json");

        Assert.Equal(2, statements.Count);
        var first = statements[0];
        Assert.Equal(["CVE-2014-123456", "GHSA-xxxx-yyyy-zzzz"], first.Vulnerabilities);
        Assert.Equal(VexStatus.NotAffected, first.Status);
        Assert.True(first.Suppresses);
        Assert.Equal("vulnerable_code_not_in_execute_path", first.Justification);
        Assert.Equal("The vulnerable function is not called.", first.Statement);
        Assert.Equal(new DateTimeOffset(2023, 1, 9, 0, 0, 0, TimeSpan.Zero), first.Timestamp);
        Assert.Equal("example.json statements[0]", first.Location);
        var product = Assert.Single(first.Products);
        Assert.StartsWith("pkg:oci/example@", product.Id, StringComparison.Ordinal);
        Assert.Equal("pkg:deb/debian/openssl@3.0.11-1~deb12u2", Assert.Single(product.Subcomponents).Id);
        var second = statements[1];
        Assert.Equal(["CVE-2015-0001"], second.Vulnerabilities);
        Assert.Equal(VexStatus.Fixed, second.Status);
        Assert.Empty(second.Products);
        // The document's time, 18:02:03 at -06:00, is used for the statement.
        Assert.Equal(new DateTimeOffset(2023, 1, 9, 0, 2, 3, TimeSpan.Zero).ToUnixTimeSeconds(),
            second.Timestamp!.Value.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("truncated", "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [", "not valid JSON")]
    [InlineData("array at top", "[]", "'$'")]
    [InlineData("CSAF context", "{\"@context\":\"https://docs.oasis-open.org/csaf\",\"@id\":\"x\",\"statements\":[]}",
        "'https://docs.oasis-open.org/csaf'")]
    [InlineData("no id", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[]}", "'@id'")]
    [InlineData("no statements", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\"}", "'statements'")]
    [InlineData("unknown status", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"statements\":"
        + "[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"maybe\"}]}", "'maybe'")]
    [InlineData("no justification", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"statements\":"
        + "[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"not_affected\"}]}", "'statements[0]'")]
    [InlineData("unknown justification", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"statements\":"
        + "[{\"vulnerability\":{\"name\":\"CVE-1\"},\"status\":\"not_affected\",\"justification\":\"trust_me\"}]}",
        "'trust_me'")]
    [InlineData("no vulnerability", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"statements\":"
        + "[{\"status\":\"fixed\"}]}", "'statements[0]'")]
    [InlineData("product without id", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"statements\":"
        + "[{\"vulnerability\":\"CVE-1\",\"status\":\"fixed\",\"products\":[{}]}]}", "'statements[0].products[0]'")]
    [InlineData("products not array", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"statements\":"
        + "[{\"vulnerability\":\"CVE-1\",\"status\":\"fixed\",\"products\":\"all\"}]}", "'statements[0].products'")]
    [InlineData("bad time", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"timestamp\":\"yesterday\","
        + "\"statements\":[]}", "'yesterday'")]
    [InlineData("number status", "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"statements\":"
        + "[{\"vulnerability\":\"CVE-1\",\"status\":3}]}", "'statements[0].status'")]
    public void Read_Corrupt_ThrowsNamingValue(string name, string content, string value)
    {
        Assert.NotEmpty(name);

        var error = Assert.Throws<InvalidDataException>(() => OpenVexReader.Read(Encoding.UTF8.GetBytes(content), "bad.json"));

        Assert.Contains("'bad.json'", error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_Missing_ThrowsNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), $"drydock-missing-{Guid.NewGuid():N}.json");

        var error = Assert.Throws<FileNotFoundException>(() => OpenVexReader.ReadFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
