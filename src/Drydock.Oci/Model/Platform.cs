using System.Text.Json.Serialization;

namespace Drydock.Oci.Model;

/// <summary>
/// The operating system and CPU an image runs on (OCI image spec v1.1, image-index.md),
/// written as <c>os/architecture[/variant]</c> on the command line.
/// </summary>
public sealed record Platform
{
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string Os { get; init; }

    [JsonPropertyName("os.version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; init; }

    [JsonPropertyName("os.features")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? OsFeatures { get; init; }

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    /// <summary>The platform of the running process, such as <c>linux/amd64</c>.</summary>
    public static Platform Host => new()
    {
        Os = "linux",
        Architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "amd64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            System.Runtime.InteropServices.Architecture.S390x => "s390x",
            System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
            System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
            _ => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        },
        Variant = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "v8" : null,
    };

    /// <summary>Parses <c>os/architecture[/variant]</c>, for example <c>linux/arm64</c>.</summary>
    public static Platform Parse(string value)
    {
        var parts = value.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new FormatException(
                $"Invalid platform '{value}'. Expected OS/ARCHITECTURE[/VARIANT], for example 'linux/arm64'.");
        }

        return new Platform { Os = parts[0], Architecture = parts[1], Variant = parts.Length == 3 ? parts[2] : null };
    }

    /// <summary>
    /// Returns whether <paramref name="candidate"/> satisfies this platform as a request: OS and
    /// architecture must be equal, and the variant too when this platform names one. An arm64
    /// request without variant accepts <c>v8</c>, as containerd's platform matcher does.
    /// </summary>
    public bool Accepts(Platform candidate)
    {
        if (!Os.Equals(candidate.Os, StringComparison.Ordinal)
            || !Architecture.Equals(candidate.Architecture, StringComparison.Ordinal))
        {
            return false;
        }

        if (Variant is null || candidate.Variant is null)
        {
            return true;
        }

        return Variant.Equals(candidate.Variant, StringComparison.Ordinal);
    }

    public override string ToString() =>
        Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
