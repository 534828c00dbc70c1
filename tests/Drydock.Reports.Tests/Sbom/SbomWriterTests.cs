using System.Text.Json;
using Drydock.Reports.Sbom;
using static Drydock.Reports.Tests.Sbom.SampleDocuments;

namespace Drydock.Reports.Tests.Sbom;

public sealed class SbomWriterTests
{
    private static JsonElement Parse(SbomDocument document, SbomFormat format) =>
        JsonDocument.Parse(SbomWriter.WriteToString(document, format)).RootElement;

    [Fact]
    public void CycloneDx_debian_is_valid() =>
        SchemaValidator.AssertValid("cyclonedx", SbomWriter.WriteToString(Debian(), SbomFormat.CycloneDx));

    [Fact]
    public void CycloneDx_mixed_types_is_valid() =>
        SchemaValidator.AssertValid("cyclonedx", SbomWriter.WriteToString(Mixed(), SbomFormat.CycloneDx));

    [Fact]
    public void CycloneDx_empty_image_is_valid() =>
        SchemaValidator.AssertValid("cyclonedx", SbomWriter.WriteToString(Document(null), SbomFormat.CycloneDx));

    [Fact]
    public void Spdx_debian_is_valid() =>
        SchemaValidator.AssertValid("spdx", SbomWriter.WriteToString(Debian(), SbomFormat.Spdx));

    [Fact]
    public void Spdx_mixed_types_is_valid() =>
        SchemaValidator.AssertValid("spdx", SbomWriter.WriteToString(Mixed(), SbomFormat.Spdx));

    [Fact]
    public void Validator_rejects_broken_cyclonedx()
    {
        var broken = SbomWriter.WriteToString(Debian(), SbomFormat.CycloneDx)
            .Replace("\"type\": \"library\"", "\"type\": \"liberry\"", StringComparison.Ordinal);

        Assert.ThrowsAny<Exception>(() => SchemaValidator.AssertValid("cyclonedx", broken));
    }

    [Fact]
    public void Validator_rejects_broken_spdx()
    {
        var broken = SbomWriter.WriteToString(Debian(), SbomFormat.Spdx)
            .Replace("\"filesAnalyzed\": false", "\"filesAnalyzed\": \"no\"", StringComparison.Ordinal);

        Assert.ThrowsAny<Exception>(() => SchemaValidator.AssertValid("spdx", broken));
    }

    [Fact]
    public void CycloneDx_component_fields()
    {
        var bom = Parse(Debian(), SbomFormat.CycloneDx);

        var components = bom.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal("operating-system", components[0].GetProperty("type").GetString());
        var bsdutils = components[1];
        Assert.Equal("bsdutils", bsdutils.GetProperty("name").GetString());
        Assert.Equal("1:2.38.1-5+b1", bsdutils.GetProperty("version").GetString());
        var properties = bsdutils.GetProperty("properties").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString());
        Assert.Equal("util-linux", properties["drydock:package:source-name"]);
        Assert.Equal("2.38.1-5", properties["drydock:package:source-version"]);
        Assert.Equal(Layer(0).DiffId.ToString(), properties["drydock:layer:diff-id"]);
        Assert.Equal("container", bom.GetProperty("metadata").GetProperty("component").GetProperty("type").GetString());
    }

    [Fact]
    public void CycloneDx_same_input_same_output() =>
        Assert.Equal(
            SbomWriter.WriteToString(Debian(), SbomFormat.CycloneDx),
            SbomWriter.WriteToString(Debian(), SbomFormat.CycloneDx));

    [Fact]
    public void Spdx_packages_unique_ids()
    {
        var document = Parse(Debian(), SbomFormat.Spdx);

        var ids = document.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("SPDXID").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(6, ids.Count);
    }

    [Fact]
    public void Json_package_fields()
    {
        var document = Parse(Mixed(), SbomFormat.Json);

        Assert.Equal(1, document.GetProperty("schemaVersion").GetInt32());
        var packages = document.GetProperty("packages").EnumerateArray().ToList();
        var openssl = packages.Single(p => p.GetProperty("name").GetString() == "openssl-libs");
        Assert.Equal("rpm", openssl.GetProperty("type").GetString());
        Assert.Equal("1:3.0.7-27.el9", openssl.GetProperty("version").GetString());
        Assert.Equal(1, openssl.GetProperty("epoch").GetInt32());
        Assert.Equal("27.el9", openssl.GetProperty("source").GetProperty("release").GetString());
        Assert.Equal(1, openssl.GetProperty("layer").GetProperty("index").GetInt32());
        var diagnostic = Assert.Single(document.GetProperty("diagnostics").EnumerateArray().ToList());
        Assert.Equal(42, diagnostic.GetProperty("line").GetInt32());
        Assert.Equal(JsonValueKind.Null, document.GetProperty("distro").ValueKind);
    }

    [Fact]
    public void Table_lists_source_and_layer()
    {
        var table = SbomWriter.WriteToString(Debian(), SbomFormat.Table);

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("registry.test/app:1 (Debian GNU/Linux 12 (bookworm)): 5 packages", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("NAME", lines[1], StringComparison.Ordinal);
        var bsdutils = lines.Single(line => line.StartsWith("bsdutils", StringComparison.Ordinal));
        Assert.Contains("util-linux 2.38.1-5", bsdutils, StringComparison.Ordinal);
        Assert.Contains(Layer(0).DiffId!.Value.Hex[..12], bsdutils, StringComparison.Ordinal);
        Assert.Contains("warning: /var/lib/dpkg/status:42:", table, StringComparison.Ordinal);
    }
}
