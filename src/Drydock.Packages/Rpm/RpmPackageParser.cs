using Drydock.Packages.Inventory;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Rpm;

/// <summary>Turns an rpm header from a database into an <see cref="InstalledPackage"/>.</summary>
internal static class RpmPackageParser
{
    /// <exception cref="InvalidDataException">The header lacks NAME, VERSION or RELEASE.</exception>
    public static InstalledPackage Parse(RpmHeader header, string database, bool includeFiles)
    {
        var name = Require(header, RpmTag.Name, "NAME");
        var version = Require(header, RpmTag.Version, "VERSION");
        var release = Require(header, RpmTag.Release, "RELEASE");
        var epoch = header.GetInteger(RpmTag.Epoch);
        if (epoch is < 0 or > int.MaxValue)
        {
            throw new InvalidDataException(
                $"The rpm header of '{name}' has EPOCH '{epoch}', outside 0 to {int.MaxValue}.");
        }

        var parsed = ParseVersion(name, (int?)epoch, version, release);
        var sourceRpm = header.GetString(RpmTag.SourceRpm);
        var source = ParseSourceRpm(sourceRpm);
        var vendor = header.GetString(RpmTag.Vendor);
        var sigMd5 = header.GetBinary(RpmTag.SigMd5);

        return new InstalledPackage
        {
            Type = PackageType.Rpm,
            Name = name,
            Version = (epoch is { } e ? $"{e}:" : "") + version + "-" + release,
            Architecture = header.GetString(RpmTag.Arch),
            SourceName = source?.Name ?? name,
            SourceVersion = source?.Version ?? version,
            Maintainer = vendor,
            License = header.GetString(RpmTag.License),
            InstalledSize = header.GetInteger(RpmTag.LongSize) ?? header.GetInteger(RpmTag.Size),
            Database = database,
            Files = includeFiles ? ListFiles(header) : null,
            Rpm = new RpmPackageDetails
            {
                Epoch = (int?)epoch,
                ParsedVersion = parsed,
                Version = version,
                Release = release,
                SourceRpm = sourceRpm,
                SourceRelease = source?.Release ?? (sourceRpm is null ? release : null),
                Vendor = vendor,
                ModularityLabel = header.GetString(RpmTag.ModularityLabel),
                Summary = header.GetString(RpmTag.Summary),
                SigMd5 = sigMd5 is null ? null : Convert.ToHexStringLower(sigMd5),
            },
        };
    }

    /// <summary>
    /// Splits a SOURCERPM value such as <c>util-linux-2.32.1-42.el8_8.src.rpm</c> into name,
    /// version and release, or returns null when it does not have that shape.
    /// </summary>
    public static (string Name, string Version, string Release)? ParseSourceRpm(string? sourceRpm)
    {
        if (sourceRpm is null)
        {
            return null;
        }

        var stem = sourceRpm.EndsWith(".src.rpm", StringComparison.Ordinal) ? sourceRpm[..^8]
            : sourceRpm.EndsWith(".nosrc.rpm", StringComparison.Ordinal) ? sourceRpm[..^10]
            : null;
        var releaseDash = stem?.LastIndexOf('-') ?? -1;
        var versionDash = releaseDash > 0 ? stem!.LastIndexOf('-', releaseDash - 1) : -1;
        if (versionDash <= 0)
        {
            return null;
        }

        return (stem![..versionDash], stem[(versionDash + 1)..releaseDash], stem[(releaseDash + 1)..]);
    }

    private static string[] ListFiles(RpmHeader header)
    {
        var baseNames = header.GetStringArray(RpmTag.BaseNames);
        if (baseNames.Length == 0)
        {
            // Headers written before rpm 4.0 list whole paths in OLDFILENAMES.
            return header.GetStringArray(RpmTag.OldFileNames);
        }

        var dirNames = header.GetStringArray(RpmTag.DirNames);
        var dirIndexes = header.GetIntegers(RpmTag.DirIndexes);
        if (dirIndexes.Length != baseNames.Length)
        {
            throw new InvalidDataException(
                $"The rpm header has '{baseNames.Length}' BASENAMES but '{dirIndexes.Length}' DIRINDEXES.");
        }

        var files = new string[baseNames.Length];
        for (var i = 0; i < files.Length; i++)
        {
            if (dirIndexes[i] >= dirNames.Length)
            {
                throw new InvalidDataException(
                    $"The rpm header DIRINDEXES value '{dirIndexes[i]}' is past its {dirNames.Length} DIRNAMES.");
            }

            files[i] = dirNames[dirIndexes[i]] + baseNames[i];
        }

        return files;
    }

    private static RpmVersion ParseVersion(string name, int? epoch, string version, string release)
    {
        try
        {
            return RpmVersion.FromParts((uint?)epoch, version, release);
        }
        catch (FormatException exception)
        {
            throw new InvalidDataException(
                $"Package '{name}' has a version rpm rejects: {exception.Message}", exception);
        }
    }

    private static string Require(RpmHeader header, int tag, string tagName) =>
        header.GetString(tag)
        ?? throw new InvalidDataException($"The rpm header has no {tagName} tag.");
}
