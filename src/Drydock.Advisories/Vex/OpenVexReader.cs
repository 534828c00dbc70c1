using System.Globalization;
using System.Text.Json;

namespace Drydock.Advisories.Vex;

/// <summary>
/// Reads OpenVEX documents (https://github.com/openvex/spec/blob/v0.2.0/OPENVEX-SPEC.md). A
/// VEX document changes what a scan reports, so any structural error rejects the whole file:
/// a half-read document could hide the statement that matters.
/// </summary>
public static class OpenVexReader
{
    /// <summary>Documents larger than this are rejected (16 MiB; real ones are kilobytes).</summary>
    public const long MaxSize = 16 * 1024 * 1024;

    private const string ContextPrefix = "https://openvex.dev/ns";

    // OpenVEX 0.2.0, "Status Justifications": the five labels a not_affected statement may use.
    private static readonly HashSet<string> _justifications = new(StringComparer.Ordinal)
    {
        "component_not_present",
        "vulnerable_code_not_present",
        "vulnerable_code_not_in_execute_path",
        "vulnerable_code_cannot_be_controlled_by_adversary",
        "inline_mitigations_already_exist",
    };

    /// <summary>Reads every statement of the OpenVEX file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid OpenVEX document.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<VexStatement> ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"The VEX file '{path}' does not exist. Check the --vex path.", path);
        }

        if (info.Length > MaxSize)
        {
            throw new InvalidDataException(
                $"The VEX file '{path}' is {info.Length} bytes, over the limit of {MaxSize}. Split it into smaller documents.");
        }

        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads every statement of one OpenVEX document; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid OpenVEX document.</exception>
    public static IReadOnlyList<VexStatement> Read(ReadOnlyMemory<byte> bytes, string name)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The VEX file '{name}' is not valid JSON: {e.Message}", e);
        }

        using (json)
        {
            return ReadDocument(json.RootElement, name);
        }
    }

    private static List<VexStatement> ReadDocument(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, "", $"its top level is a JSON {Kind(root)}, not an object");
        }

        var context = RequiredString(root, "@context", name, "");
        if (!context.StartsWith(ContextPrefix, StringComparison.Ordinal))
        {
            throw Invalid(name, "@context", $"'{context}' is not an OpenVEX context ({ContextPrefix}/v0.2.0)");
        }

        var id = RequiredString(root, "@id", name, "");
        var timestamp = OptionalTime(root, "timestamp", name, "");
        if (!root.TryGetProperty("statements", out var statements) || statements.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(name, "statements", "the document has no statements array");
        }

        var result = new List<VexStatement>();
        var index = 0;
        foreach (var statement in statements.EnumerateArray())
        {
            result.Add(ReadStatement(statement, name, $"statements[{index++}]", id, timestamp));
        }

        return result;
    }

    private static VexStatement ReadStatement(JsonElement element, string name, string at, string documentId,
        DateTimeOffset? documentTime)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, at, $"the statement is a JSON {Kind(element)}, not an object");
        }

        var statusText = RequiredString(element, "status", name, at);
        var status = statusText switch
        {
            "not_affected" => VexStatus.NotAffected,
            "affected" => VexStatus.Affected,
            "fixed" => VexStatus.Fixed,
            "under_investigation" => VexStatus.UnderInvestigation,
            _ => throw Invalid(name, at + ".status",
                $"'{statusText}' is not one of not_affected, affected, fixed, under_investigation"),
        };
        var justification = OptionalString(element, "justification", name, at);
        var impact = OptionalString(element, "impact_statement", name, at);
        if (justification is not null && !_justifications.Contains(justification))
        {
            throw Invalid(name, at + ".justification", $"'{justification}' is not an OpenVEX justification");
        }

        if (status == VexStatus.NotAffected && justification is null && impact is null)
        {
            throw Invalid(name, at, "a not_affected statement needs a justification or an impact_statement");
        }

        return new VexStatement
        {
            Vulnerabilities = ReadVulnerability(element, name, at),
            Products = ReadProducts(element, "products", name, at),
            Status = status,
            Justification = justification,
            Statement = impact ?? OptionalString(element, "status_notes", name, at)
                ?? OptionalString(element, "action_statement", name, at),
            Timestamp = OptionalTime(element, "timestamp", name, at) ?? documentTime,
            Location = $"{name} {at}",
            DocumentId = documentId,
        };
    }

    // OpenVEX 0.2.0 makes the vulnerability an object with a name and aliases; earlier drafts
    // used a bare string, which many published documents still do.
    private static List<string> ReadVulnerability(JsonElement statement, string name, string at)
    {
        if (!statement.TryGetProperty("vulnerability", out var vulnerability))
        {
            throw Invalid(name, at, "the statement names no vulnerability");
        }

        if (vulnerability.ValueKind == JsonValueKind.String && vulnerability.GetString() is { Length: > 0 } bare)
        {
            return [bare];
        }

        if (vulnerability.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, at + ".vulnerability", $"the vulnerability is a JSON {Kind(vulnerability)}");
        }

        var ids = new List<string> { RequiredString(vulnerability, "name", name, at + ".vulnerability") };
        if (vulnerability.TryGetProperty("aliases", out var aliases))
        {
            if (aliases.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(name, at + ".vulnerability.aliases", "the aliases are not an array");
            }

            ids.AddRange(aliases.EnumerateArray()
                .Select(alias => alias.ValueKind == JsonValueKind.String ? alias.GetString()! : throw Invalid(name,
                    at + ".vulnerability.aliases", $"an alias is a JSON {Kind(alias)}, not a string")));
        }

        return ids;
    }

    private static List<VexProduct> ReadProducts(JsonElement parent, string property, string name, string at)
    {
        if (!parent.TryGetProperty(property, out var products))
        {
            return [];
        }

        if (products.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(name, $"{at}.{property}", $"the {property} are a JSON {Kind(products)}, not an array");
        }

        var result = new List<VexProduct>();
        var index = 0;
        foreach (var product in products.EnumerateArray())
        {
            result.Add(ReadProduct(product, name, $"{at}.{property}[{index++}]"));
        }

        return result;
    }

    private static VexProduct ReadProduct(JsonElement product, string name, string at)
    {
        if (product.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, at, $"the product is a JSON {Kind(product)}, not an object");
        }

        string? purl = null;
        if (product.TryGetProperty("identifiers", out var identifiers))
        {
            if (identifiers.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(name, at + ".identifiers", "the identifiers are not an object");
            }

            purl = OptionalString(identifiers, "purl", name, at + ".identifiers");
        }

        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (product.TryGetProperty("hashes", out var hashElement))
        {
            if (hashElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(name, at + ".hashes", "the hashes are not an object");
            }

            foreach (var hash in hashElement.EnumerateObject())
            {
                hashes[hash.Name] = (OptionalString(hashElement, hash.Name, name, at + ".hashes") ?? "")
                    .ToLowerInvariant();
            }
        }

        var id = OptionalString(product, "@id", name, at);
        if (id is null && purl is null && hashes.Count == 0)
        {
            throw Invalid(name, at, "the product has no @id, purl identifier or hash");
        }

        return new VexProduct
        {
            Id = id,
            Purl = purl,
            Hashes = hashes,
            Subcomponents = ReadProducts(product, "subcomponents", name, at),
        };
    }

    private static string RequiredString(JsonElement parent, string property, string name, string at) =>
        OptionalString(parent, property, name, at)
        ?? throw Invalid(name, Join(at, property), $"the required field '{property}' is missing or empty");

    private static string? OptionalString(JsonElement parent, string property, string name, string at)
    {
        if (!parent.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid(name, Join(at, property), $"the value is a JSON {Kind(value)}, not a string");
        }

        return value.GetString() is { Length: > 0 } text ? text : null;
    }

    private static DateTimeOffset? OptionalTime(JsonElement parent, string property, string name, string at)
    {
        var text = OptionalString(parent, property, name, at);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw Invalid(name, Join(at, property), $"'{text}' is not an RFC 3339 time");
    }

    private static string Join(string at, string property) => at.Length == 0 ? property : $"{at}.{property}";

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private static InvalidDataException Invalid(string name, string at, string problem) =>
        new($"The VEX file '{name}' is invalid at '{(at.Length == 0 ? "$" : at)}': {problem}. "
            + "Fix the document or leave it out of --vex.");
}
