using System.Text.Json;
using Drydock.Images.Inventory;
using Drydock.Packages.Inventory;

namespace Drydock.Reports.Sbom;

/// <summary>
/// Writes Drydock's own SBOM JSON, documented in docs/sbom.md. Field names are stable within a
/// <c>schemaVersion</c>; absent values are left out rather than written as null.
/// </summary>
internal static class DrydockJsonWriter
{
    /// <summary>The version of the format; raised when a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 1;

    public static void Write(SbomDocument document, Utf8JsonWriter json)
    {
        var references = PackageUrls.BuildAll(document.Inventory.Packages, document.Distro);
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WriteString("tool", "drydock " + document.ToolVersion);
        json.WriteString("created", SbomWriter.FormatTime(document.Timestamp));
        WriteImage(document, json);
        WriteDistro(document.Distro, json);

        json.WriteStartArray("databases");
        foreach (var database in document.Inventory.Databases)
        {
            json.WriteStringValue(database);
        }

        json.WriteEndArray();
        json.WriteStartArray("packages");
        for (var i = 0; i < references.Count; i++)
        {
            WritePackage(document.Inventory.Packages[i], references[i].Purl, json);
        }

        json.WriteEndArray();
        WriteDiagnostics(document.Inventory.Diagnostics, json);
        json.WriteEndObject();
    }

    private static void WriteImage(SbomDocument document, Utf8JsonWriter json)
    {
        var image = document.Image;
        json.WriteStartObject("image");
        json.WriteString("name", image.Name);
        WriteOptional(json, "manifestDigest", image.ManifestDigest?.ToString());
        WriteOptional(json, "configDigest", image.ConfigDigest?.ToString());
        WriteOptional(json, "platform", image.Platform);
        json.WriteStartArray("layers");
        foreach (var layer in document.Inventory.Layers)
        {
            json.WriteStartObject();
            json.WriteNumber("index", layer.Index);
            WriteOptional(json, "diffId", layer.DiffId?.ToString());
            json.WriteString("digest", layer.Descriptor.Digest.ToString());
            json.WriteString("mediaType", layer.Descriptor.MediaType);
            json.WriteNumber("size", layer.Descriptor.Size);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteDistro(SbomDistro? distro, Utf8JsonWriter json)
    {
        if (distro is null)
        {
            json.WriteNull("distro");
            return;
        }

        json.WriteStartObject("distro");
        json.WriteString("id", distro.Id);
        WriteOptional(json, "versionId", distro.VersionId);
        WriteOptional(json, "codename", distro.Codename);
        WriteOptional(json, "name", distro.Name);
        json.WriteEndObject();
    }

    private static void WritePackage(ImagePackage item, string purl, Utf8JsonWriter json)
    {
        var package = item.Package;
        json.WriteStartObject();
        json.WriteString("type", PackageUrls.TypeName(package.Type));
        json.WriteString("name", package.Name);
        json.WriteString("version", package.Version);
        WriteOptional(json, "architecture", package.Architecture);
        json.WriteStartObject("source");
        json.WriteString("name", package.SourceName);
        json.WriteString("version", package.SourceVersion);
        if (package.Rpm is { SourceRelease: { } release })
        {
            json.WriteString("release", release);
        }

        json.WriteEndObject();
        if (package.Rpm is { Epoch: { } epoch })
        {
            json.WriteNumber("epoch", epoch);
        }

        WriteOptional(json, "maintainer", package.Maintainer);
        WriteOptional(json, "license", package.License);
        if (package.InstalledSize is { } size)
        {
            json.WriteNumber("installedSize", size);
        }

        json.WriteString("purl", purl);
        json.WriteString("database", package.Database);
        json.WriteStartObject("layer");
        json.WriteNumber("index", item.LayerIndex);
        WriteOptional(json, "diffId", item.LayerDiffId?.ToString());
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteDiagnostics(IReadOnlyList<PackageDiagnostic> diagnostics, Utf8JsonWriter json)
    {
        json.WriteStartArray("diagnostics");
        foreach (var diagnostic in diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("file", diagnostic.File);
            json.WriteNumber("line", diagnostic.Line);
            json.WriteString("message", diagnostic.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
