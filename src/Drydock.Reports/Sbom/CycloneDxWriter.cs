using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Drydock.Images.Inventory;

namespace Drydock.Reports.Sbom;

/// <summary>
/// Writes CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/): the image as
/// <c>metadata.component</c> of type container, the distribution as an operating-system
/// component, and one library component per package with its purl and, as <c>drydock:</c>
/// properties, its source package and the layer that introduced it.
/// </summary>
internal static class CycloneDxWriter
{
    private const string ImageReference = "image";
    private const string OsReference = "operating-system";

    /// <summary>Writes the SBOM; <paramref name="extend"/> adds top-level fields after the dependencies.</summary>
    public static void Write(SbomDocument document, Utf8JsonWriter json,
        Action<IReadOnlyList<(string Purl, string Reference)>>? extend = null)
    {
        var references = PackageUrls.BuildAll(document.Inventory.Packages, document.Distro);
        json.WriteStartObject();
        json.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        json.WriteString("bomFormat", "CycloneDX");
        json.WriteString("specVersion", "1.6");
        json.WriteString("serialNumber", SerialNumber(document, references));
        json.WriteNumber("version", 1);
        WriteMetadata(document, json);

        json.WriteStartArray("components");
        WriteOperatingSystem(document.Distro, json);
        for (var i = 0; i < references.Count; i++)
        {
            WriteComponent(document.Inventory.Packages[i], references[i], json);
        }

        json.WriteEndArray();
        WriteDependencies(document, references, json);
        extend?.Invoke(references);
        json.WriteEndObject();
    }

    private static void WriteMetadata(SbomDocument document, Utf8JsonWriter json)
    {
        json.WriteStartObject("metadata");
        json.WriteString("timestamp", SbomWriter.FormatTime(document.Timestamp));
        json.WriteStartObject("tools");
        json.WriteStartArray("components");
        json.WriteStartObject();
        json.WriteString("type", "application");
        json.WriteString("name", "drydock");
        json.WriteString("version", document.ToolVersion);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        var image = document.Image;
        json.WriteStartObject("component");
        json.WriteString("type", "container");
        json.WriteString("bom-ref", ImageReference);
        json.WriteString("name", image.Name);
        if (image.ManifestDigest is { } digest)
        {
            json.WriteString("version", digest.ToString());
        }

        json.WriteStartArray("properties");
        WriteProperty(json, "drydock:image:config-digest", image.ConfigDigest?.ToString());
        WriteProperty(json, "drydock:image:platform", image.Platform);
        foreach (var layer in document.Inventory.Layers)
        {
            WriteProperty(json, "drydock:image:layer-diff-id", layer.DiffId?.ToString());
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteOperatingSystem(SbomDistro? distro, Utf8JsonWriter json)
    {
        if (distro is null)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("type", "operating-system");
        json.WriteString("bom-ref", OsReference);
        json.WriteString("name", distro.Id);
        if ((distro.VersionId ?? distro.Codename) is { } version)
        {
            json.WriteString("version", version);
        }

        if (distro.Name is { } name)
        {
            json.WriteString("description", name);
        }

        json.WriteEndObject();
    }

    private static void WriteComponent(
        ImagePackage item, (string Purl, string Reference) reference, Utf8JsonWriter json)
    {
        var package = item.Package;
        json.WriteStartObject();
        json.WriteString("type", "library");
        json.WriteString("bom-ref", reference.Reference);
        if (package.Maintainer is { } maintainer)
        {
            json.WriteString("publisher", maintainer);
        }

        json.WriteString("name", package.Name);
        json.WriteString("version", package.Version);
        if (package.License is { } license)
        {
            // Database license fields are free text (GPLv2+, "MIT AND BSD"), not always valid
            // SPDX expressions, so they go in as license names.
            json.WriteStartArray("licenses");
            json.WriteStartObject();
            json.WriteStartObject("license");
            json.WriteString("name", license);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteString("purl", reference.Purl);
        json.WriteStartArray("properties");
        WriteProperty(json, "drydock:package:type", PackageUrls.TypeName(package.Type));
        WriteProperty(json, "drydock:package:source-name", package.SourceName);
        WriteProperty(json, "drydock:package:source-version", package.SourceVersion);
        WriteProperty(json, "drydock:package:database", package.Database);
        WriteProperty(json, "drydock:layer:index", item.LayerIndex.ToString(CultureInfo.InvariantCulture));
        WriteProperty(json, "drydock:layer:diff-id", item.LayerDiffId?.ToString());
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // The image depends on every component it contains; CycloneDX has no "contains" relation
    // outside nested components, which many consumers do not read.
    private static void WriteDependencies(
        SbomDocument document, IReadOnlyList<(string Purl, string Reference)> references, Utf8JsonWriter json)
    {
        json.WriteStartArray("dependencies");
        json.WriteStartObject();
        json.WriteString("ref", ImageReference);
        json.WriteStartArray("dependsOn");
        if (document.Distro is not null)
        {
            json.WriteStringValue(OsReference);
        }

        foreach (var reference in references)
        {
            json.WriteStringValue(reference.Reference);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteProperty(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    // A UUID derived from the content, so that the same image and time give the same document.
    // Its version nibble is 5 (name-based), which the CycloneDX schema's pattern requires.
    private static string SerialNumber(SbomDocument document, IReadOnlyList<(string Purl, string Reference)> references)
    {
        var text = new StringBuilder()
            .Append(document.Image.Name).Append('\n')
            .Append(document.Image.ManifestDigest).Append('\n')
            .Append(SbomWriter.FormatTime(document.Timestamp)).Append('\n');
        foreach (var reference in references)
        {
            text.Append(reference.Reference).Append('\n');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash.AsSpan(0, 16));
        return $"urn:uuid:{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}
