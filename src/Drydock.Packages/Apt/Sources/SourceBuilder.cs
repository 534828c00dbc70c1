namespace Drydock.Packages.Apt.Sources;

/// <summary>Validates the parts shared by both source formats and builds an <see cref="AptSource"/>.</summary>
internal static class SourceBuilder
{
    // Option names are those of the one-line form; deb822 field names map onto them.
    public static AptSource Build(
        bool isBinary,
        string uri,
        string suite,
        IReadOnlyList<string> components,
        IReadOnlyDictionary<string, string> options,
        string location)
    {
        var baseUri = ParseUri(uri, location);
        if (suite.EndsWith('/') && components.Count > 0)
        {
            throw new InvalidDataException(
                $"{location}: the suite '{suite}' is an exact path, so it takes no components.");
        }

        if (!suite.EndsWith('/') && components.Count == 0)
        {
            throw new InvalidDataException($"{location}: the suite '{suite}' needs at least one component.");
        }

        return new AptSource
        {
            IsBinary = isBinary,
            BaseUri = baseUri,
            Suite = suite,
            Components = components,
            Architectures = SplitList(options.GetValueOrDefault("arch")),
            SignedBy = options.TryGetValue("signed-by", out var signedBy) ? SignedBy.Parse(signedBy, location) : null,
            Trusted = ParseBool(options.GetValueOrDefault("trusted"), false, "trusted", location),
            CheckValidUntil = ParseBool(
                options.GetValueOrDefault("check-valid-until"), true, "check-valid-until", location),
            Location = location,
        };
    }

    public static IReadOnlyList<string> SplitList(string? value) =>
        value is null ? [] : value.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);

    public static bool ParseBool(string? value, bool fallback, string name, string location) =>
        value?.Trim().ToLowerInvariant() switch
        {
            null => fallback,
            "yes" or "true" or "1" => true,
            "no" or "false" or "0" => false,
            _ => throw new InvalidDataException($"{location}: invalid {name} value '{value}'. Use 'yes' or 'no'."),
        };

    private static Uri ParseUri(string text, string location)
    {
        var withSlash = text.EndsWith('/') ? text : text + "/";
        if (!Uri.TryCreate(withSlash, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https" or "file"))
        {
            throw new InvalidDataException(
                $"{location}: invalid repository URI '{text}'. Use an http, https or file URI.");
        }

        return uri;
    }
}
