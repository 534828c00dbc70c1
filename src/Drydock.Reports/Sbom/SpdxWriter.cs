using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Drydock.Images.Inventory;

namespace Drydock.Reports.Sbom;

/// <summary>
/// Writes SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): the image as a package of
/// purpose CONTAINER that the document describes and that contains one package per installed
/// package, each with its purl as an external reference, its source in <c>sourceInfo</c> and
/// the layer that introduced it as an annotation.
/// </summary>
internal static class SpdxWriter
{
    private const string ImageId = "SPDXRef-Image";

    public static void Write(SbomDocument document, Utf8JsonWriter json)
    {
        var references = PackageUrls.BuildAll(document.Inventory.Packages, document.Distro);
        var ids = references.Select(reference => PackageId(reference.Reference)).ToList();
        var created = SbomWriter.FormatTime(document.Timestamp);
        var tool = "Tool: drydock-" + document.ToolVersion;

        json.WriteStartObject();
        json.WriteString("spdxVersion", "SPDX-2.3");
        json.WriteString("dataLicense", "CC0-1.0");
        json.WriteString("SPDXID", "SPDXRef-DOCUMENT");
        json.WriteString("name", document.Image.Name);
        json.WriteString("documentNamespace", Namespace(document, references));
        json.WriteStartObject("creationInfo");
        json.WriteString("created", created);
        json.WriteStartArray("creators");
        json.WriteStringValue(tool);
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("packages");
        WriteImage(document, json);
        for (var i = 0; i < references.Count; i++)
        {
            WritePackage(document, document.Inventory.Packages[i], references[i].Purl, ids[i], json);
        }

        json.WriteEndArray();
        WriteRelationships(ids, json);
        json.WriteEndObject();
    }

    private static void WriteImage(SbomDocument document, Utf8JsonWriter json)
    {
        var image = document.Image;
        json.WriteStartObject();
        json.WriteString("name", image.Name);
        json.WriteString("SPDXID", ImageId);
        if (image.ManifestDigest is { } digest)
        {
            json.WriteString("versionInfo", digest.ToString());
        }

        WriteNoAssertions(json);
        json.WriteString("primaryPackagePurpose", "CONTAINER");
        json.WriteEndObject();
    }

    private static void WritePackage(
        SbomDocument document, ImagePackage item, string purl, string id, Utf8JsonWriter json)
    {
        var package = item.Package;
        json.WriteStartObject();
        json.WriteString("name", package.Name);
        json.WriteString("SPDXID", id);
        json.WriteString("versionInfo", package.Version);
        WriteNoAssertions(json);
        if (package.License is { } license)
        {
            // Database license fields are free text, not always SPDX expressions, so they are
            // kept as a comment and the declared license stays NOASSERTION.
            json.WriteString("licenseComments", "License field of the package database: " + license);
        }

        json.WriteString("sourceInfo", $"built from source package {package.SourceName} {package.SourceVersion}");
        json.WriteString("primaryPackagePurpose", "LIBRARY");
        json.WriteStartArray("externalRefs");
        json.WriteStartObject();
        json.WriteString("referenceCategory", "PACKAGE-MANAGER");
        json.WriteString("referenceType", "purl");
        json.WriteString("referenceLocator", purl);
        json.WriteEndObject();
        json.WriteEndArray();

        json.WriteStartArray("annotations");
        json.WriteStartObject();
        json.WriteString("annotationDate", SbomWriter.FormatTime(document.Timestamp));
        json.WriteString("annotationType", "OTHER");
        json.WriteString("annotator", "Tool: drydock-" + document.ToolVersion);
        json.WriteString("comment", $"layer {item.LayerIndex} diff_id {item.LayerDiffId?.ToString() ?? "unknown"}");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNoAssertions(Utf8JsonWriter json)
    {
        json.WriteString("downloadLocation", "NOASSERTION");
        json.WriteBoolean("filesAnalyzed", false);
        json.WriteString("licenseConcluded", "NOASSERTION");
        json.WriteString("licenseDeclared", "NOASSERTION");
        json.WriteString("copyrightText", "NOASSERTION");
    }

    private static void WriteRelationships(IReadOnlyList<string> ids, Utf8JsonWriter json)
    {
        json.WriteStartArray("relationships");
        WriteRelationship(json, "SPDXRef-DOCUMENT", "DESCRIBES", ImageId);
        foreach (var id in ids)
        {
            WriteRelationship(json, ImageId, "CONTAINS", id);
        }

        json.WriteEndArray();
    }

    private static void WriteRelationship(Utf8JsonWriter json, string from, string type, string to)
    {
        json.WriteStartObject();
        json.WriteString("spdxElementId", from);
        json.WriteString("relationshipType", type);
        json.WriteString("relatedSpdxElement", to);
        json.WriteEndObject();
    }

    // SPDX ids allow letters, digits, '.' and '-' only (SPDX 2.3 clause 7.2), so the purl is
    // reduced to those and a hash of it keeps two similar purls apart.
    private static string PackageId(string reference)
    {
        var text = new StringBuilder("SPDXRef-Package-");
        foreach (var c in reference.Replace("pkg:", string.Empty, StringComparison.Ordinal))
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
            if (text.Length > 80)
            {
                break;
            }
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(reference));
        return text.Append('-').Append(Convert.ToHexStringLower(hash.AsSpan(0, 6))).ToString();
    }

    // SPDX 2.3 clause 6.5 wants a unique URI per document; without a domain of its own, a tool
    // uses https://spdx.org/spdxdocs/ followed by the document name and a UUID.
    private static string Namespace(SbomDocument document, IReadOnlyList<(string Purl, string Reference)> references)
    {
        var text = new StringBuilder()
            .Append(document.Image.Name).Append('\n')
            .Append(document.Image.ManifestDigest).Append('\n')
            .Append(SbomWriter.FormatTime(document.Timestamp));
        foreach (var reference in references)
        {
            text.Append('\n').Append(reference.Reference);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
        var name = new string(document.Image.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray());
        return $"https://spdx.org/spdxdocs/drydock-{name}-{hash}";
    }
}
