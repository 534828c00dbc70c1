using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Drydock.Oci;

namespace Drydock.Images.Patch;

/// <summary>
/// Writes the vulnerabilities a patch fixed as an OpenVEX 0.2.0 document
/// (https://github.com/openvex/spec/blob/v0.2.0/OPENVEX-SPEC.md): one <c>fixed</c> statement
/// per vulnerability, whose product is the patched image by digest and whose subcomponent is
/// the upgraded package.
/// </summary>
public static class PatchVex
{
    private const string Context = "https://openvex.dev/ns/v0.2.0";

    private static readonly JsonSerializerOptions _indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Returns the OpenVEX JSON of a patch that wrote an image.</summary>
    /// <param name="result">The patch result; its manifest digest names the product.</param>
    /// <param name="imageName">The repository or layout name, such as <c>app</c>, for the product's purl.</param>
    /// <param name="distribution">The os-release ID of the image, such as <c>debian</c>, for the packages' purls.</param>
    /// <param name="timestamp">The document time; the same inputs and time give the same bytes.</param>
    public static string Write(PatchResult result, string imageName, string distribution, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(result);
        var digest = result.ManifestDigest ?? throw new ArgumentException(
            "The patch wrote no image, so there is no product for a VEX document.", nameof(result));
        var stamp = timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var statements = new JsonArray();
        foreach (var (vulnerability, package) in result.Fixed)
        {
            var upgrade = result.Packages.First(p => p.Name == package);
            statements.Add(new JsonObject
            {
                ["vulnerability"] = new JsonObject { ["name"] = vulnerability },
                ["products"] = new JsonArray(Product(digest, imageName, PackageUrl(upgrade, distribution))),
                ["status"] = "fixed",
            });
        }

        var document = new JsonObject
        {
            ["@context"] = Context,
            ["@id"] = $"urn:drydock:patch:{digest}",
            ["author"] = "Drydock",
            ["timestamp"] = stamp,
            ["version"] = 1,
            ["tooling"] = "drydock patch",
            ["statements"] = statements,
        };
        return document.ToJsonString(_indented) + "\n";
    }

    private static JsonObject Product(Digest digest, string imageName, string packageUrl)
    {
        // purl-spec's oci type: the version is the manifest digest with ':' percent-encoded.
        var purl = $"pkg:oci/{Uri.EscapeDataString(imageName.ToLowerInvariant())}@{Uri.EscapeDataString(digest.ToString())}";
        return new JsonObject
        {
            ["@id"] = purl,
            ["identifiers"] = new JsonObject { ["purl"] = purl },
            ["hashes"] = new JsonObject { ["sha-256"] = digest.Hex },
            ["subcomponents"] = new JsonArray(new JsonObject { ["@id"] = packageUrl }),
        };
    }

    private static string PackageUrl(PatchedPackage package, string distribution) =>
        $"pkg:deb/{distribution}/{package.Name}@{Uri.EscapeDataString(package.To.ToString())}?arch={package.Architecture}";
}
