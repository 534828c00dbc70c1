using Drydock.Packages.Deb822;

namespace Drydock.Packages.Apt.Sources;

/// <summary>
/// Parses deb822 <c>.sources</c> files (sources.list(5), apt 2.6): each stanza names Types,
/// URIs, Suites and Components, with Architectures, Signed-By, Trusted, Check-Valid-Until
/// and Enabled as options. Stanzas with <c>Enabled: no</c> are skipped.
/// </summary>
public static class Deb822SourcesParser
{
    private static readonly (string Field, string Option)[] _optionFields =
    [
        ("Architectures", "arch"),
        ("Signed-By", "signed-by"),
        ("Trusted", "trusted"),
        ("Check-Valid-Until", "check-valid-until"),
    ];

    public static IReadOnlyList<AptSource> Parse(TextReader reader, string fileName)
    {
        var sources = new List<AptSource>();
        foreach (var paragraph in Deb822Reader.ReadAll(reader))
        {
            var location = $"{fileName}:{paragraph.LineNumber}";
            if (paragraph.Errors.Count > 0)
            {
                var error = paragraph.Errors[0];
                throw new InvalidDataException($"{fileName}:{error.LineNumber}: {error.Message}");
            }

            if (!SourceBuilder.ParseBool(paragraph["Enabled"], true, "Enabled", location))
            {
                continue;
            }

            sources.AddRange(ParseStanza(paragraph, location));
        }

        return sources;
    }

    private static IEnumerable<AptSource> ParseStanza(Deb822Paragraph paragraph, string location)
    {
        var types = Required(paragraph, "Types", location);
        var uris = Required(paragraph, "URIs", location);
        var suites = Required(paragraph, "Suites", location);
        var components = SourceBuilder.SplitList(paragraph["Components"]);
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, option) in _optionFields)
        {
            if (paragraph[field] is { } value)
            {
                options[option] = value;
            }
        }

        foreach (var type in types)
        {
            var isBinary = type switch
            {
                "deb" => true,
                "deb-src" => false,
                _ => throw new InvalidDataException($"{location}: unknown type '{type}'. Expected 'deb' or 'deb-src'."),
            };
            foreach (var uri in uris)
            {
                foreach (var suite in suites)
                {
                    yield return SourceBuilder.Build(isBinary, uri, suite, components, options, location);
                }
            }
        }
    }

    private static IReadOnlyList<string> Required(Deb822Paragraph paragraph, string field, string location)
    {
        var values = SourceBuilder.SplitList(paragraph[field]);
        return values.Count > 0
            ? values
            : throw new InvalidDataException($"{location}: the stanza has no {field} field.");
    }
}
