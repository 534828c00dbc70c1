namespace Drydock.Packages.Apt.Sources;

/// <summary>
/// The value of a <c>Signed-By</c> field or <c>signed-by=</c> option: keyring files,
/// fingerprints that select keys from those files (or from the default keyrings when no
/// file is named), or one inline ASCII-armoured key block.
/// </summary>
public sealed record SignedBy
{
    /// <summary>Absolute paths of keyring files, binary or ASCII-armoured.</summary>
    public IReadOnlyList<string> KeyringPaths { get; init; } = [];

    /// <summary>Upper-case hexadecimal fingerprints; a trailing <c>!</c> pins one subkey exactly.</summary>
    public IReadOnlyList<string> Fingerprints { get; init; } = [];

    /// <summary>An embedded <c>-----BEGIN PGP PUBLIC KEY BLOCK-----</c> block, or null.</summary>
    public string? InlineKey { get; init; }

    /// <summary>Parses the field value as apt does: an armoured block, or a list of paths and fingerprints.</summary>
    public static SignedBy Parse(string value, string location)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", StringComparison.Ordinal))
        {
            return new SignedBy { InlineKey = UnfoldInlineKey(trimmed) };
        }

        var paths = new List<string>();
        var fingerprints = new List<string>();
        foreach (var item in trimmed.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.StartsWith('/'))
            {
                paths.Add(item);
            }
            else if (IsFingerprint(item))
            {
                fingerprints.Add(item.ToUpperInvariant());
            }
            else
            {
                throw new InvalidDataException(
                    $"{location}: invalid Signed-By item '{item}'. Use an absolute keyring path, " +
                    "a full key fingerprint or an inline armoured key.");
            }
        }

        if (paths.Count == 0 && fingerprints.Count == 0)
        {
            throw new InvalidDataException($"{location}: the Signed-By value is empty.");
        }

        return new SignedBy { KeyringPaths = paths, Fingerprints = fingerprints };
    }

    private static bool IsFingerprint(string item)
    {
        var hex = item.EndsWith('!') ? item[..^1] : item;
        return hex.Length is 40 or 64 && hex.All(Uri.IsHexDigit);
    }

    // In deb822 a multi-line value carries a " ." line for each empty line of the block.
    private static string UnfoldInlineKey(string value)
    {
        var lines = value.Split('\n').Select(line => line.Trim()).Select(line => line == "." ? "" : line);
        return string.Join('\n', lines) + "\n";
    }
}
