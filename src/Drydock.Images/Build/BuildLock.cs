using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drydock.Images.Build;

/// <summary>One package of a lock: exactly which .deb to install and where it was found.</summary>
public sealed record LockedPackage
{
    public required string Name { get; init; }

    public required string Version { get; init; }

    public required string Architecture { get; init; }

    /// <summary>The lower-case hex SHA256 of the .deb, checked before it is used.</summary>
    public required string Sha256 { get; init; }

    public required long Size { get; init; }

    public required string Source { get; init; }

    public required string SourceVersion { get; init; }

    /// <summary>The archive root the package was found under.</summary>
    public required string Repository { get; init; }

    /// <summary>The .deb path below <see cref="Repository"/>.</summary>
    public required string Filename { get; init; }

    public required string Url { get; init; }

    /// <summary>
    /// The image architectures whose closure contains this package; an <c>all</c> package can serve
    /// several. Null in locks that predate multi-architecture builds: the package's own one.
    /// </summary>
    public IReadOnlyList<string>? ImageArchitectures { get; init; }

    /// <summary>Whether the image for <paramref name="architecture"/> installs this package.</summary>
    public bool IsFor(string architecture) =>
        ImageArchitectures?.Contains(architecture) ?? (Architecture == architecture || Architecture == "all");
}

/// <summary>The parts of a spec that decide which packages are locked.</summary>
public sealed record LockInputs
{
    public required string Distribution { get; init; }

    public required string Release { get; init; }

    public required IReadOnlyList<string> Repositories { get; init; }

    public required IReadOnlyList<string> Architectures { get; init; }

    public required IReadOnlyList<string> Packages { get; init; }

    public required IReadOnlyList<string> Exclude { get; init; }

    public static LockInputs From(BuildSpec spec) => new()
    {
        Distribution = spec.Distribution,
        Release = spec.Release,
        Repositories = spec.Repositories
            .Select(r => $"{r.Uri} {string.Join(',', r.Suites)} {string.Join(',', r.Components)}").ToList(),
        Architectures = spec.Architectures,
        Packages = spec.Packages.Order(StringComparer.Ordinal).ToList(),
        Exclude = spec.Exclude.Order(StringComparer.Ordinal).ToList(),
    };
}

/// <summary>
/// A lock file (<c>SPEC.lock.json</c>): the spec inputs it was made from and every package of
/// the resolved closure, sorted by name and architecture.
/// </summary>
public sealed record BuildLock
{
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions _json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // Versions such as 1.5.4+dfsg2-5 stay readable in a file that is reviewed in diffs.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
    };

    public int LockVersion { get; init; } = CurrentVersion;

    public required LockInputs Inputs { get; init; }

    public required IReadOnlyList<LockedPackage> Packages { get; init; }

    /// <summary>The lock path beside a spec: <c>SPEC.lock.json</c> with the spec's extension replaced.</summary>
    public static string PathFor(string specPath) => System.IO.Path.ChangeExtension(specPath, ".lock.json");

    /// <summary>The bytes written to the lock file; the same lock always gives the same bytes.</summary>
    public byte[] ToBytes() => [.. JsonSerializer.SerializeToUtf8Bytes(this, _json), (byte)'\n'];

    /// <summary>The SHA256 of <see cref="ToBytes"/>, recorded in image annotations.</summary>
    public string Digest() => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(ToBytes()));

    /// <summary>Reads a lock file.</summary>
    /// <exception cref="InvalidDataException">The file is not a lock of this version.</exception>
    public static BuildLock Read(string path)
    {
        BuildLock? result;
        try
        {
            result = JsonSerializer.Deserialize<BuildLock>(File.ReadAllBytes(path), _json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"The lock file '{path}' is malformed at {e.Path}: {e.Message} Run 'drydock lock' to write it again.", e);
        }

        if (result is null || result.LockVersion != CurrentVersion)
        {
            throw new InvalidDataException(
                $"The lock file '{path}' has lockVersion '{result?.LockVersion}', but this Drydock reads "
                + $"version {CurrentVersion}. Run 'drydock lock' to write it again.");
        }

        return result;
    }

    /// <summary>Writes the lock to a temporary file beside <paramref name="path"/>, then renames it into place.</summary>
    public void Write(string path)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            File.WriteAllBytes(temporary, ToBytes());
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Whether this lock was made from the same inputs as <paramref name="spec"/>.</summary>
    public bool Matches(BuildSpec spec) =>
        JsonSerializer.Serialize(LockInputs.From(spec), _json) == JsonSerializer.Serialize(Inputs, _json);

    /// <summary>Throws unless this lock was made from the same inputs as <paramref name="spec"/>.</summary>
    /// <exception cref="InvalidDataException">The spec changed since the lock was written.</exception>
    public void EnsureMatches(BuildSpec spec, string lockPath)
    {
        if (!Matches(spec))
        {
            throw new InvalidDataException(
                $"The lock file '{lockPath}' was made from other inputs than the spec '{spec.Path}' "
                + "(packages, exclude, repositories, release or architectures changed). "
                + "Run 'drydock lock' to write it again.");
        }
    }
}
