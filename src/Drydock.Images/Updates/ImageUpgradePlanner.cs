using Drydock.Images.Patch;
using Drydock.Oci.Layers;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;
using Microsoft.Extensions.Logging;

namespace Drydock.Images.Updates;

/// <summary>The repository choices that checking an image for upgrades and patching it share.</summary>
internal interface IUpgradeSourceOptions
{
    bool UseImageSources { get; }

    IReadOnlyList<AptSource> ExtraSources { get; }

    IReadOnlyList<Keyring> ExtraKeyrings { get; }

    AptOptions Apt { get; }
}

/// <summary>
/// Plans the upgrades of an image from its APT setup, the same way for
/// <see cref="ImageUpdateChecker"/> and <see cref="ImagePatcher"/>. It reads the image's dpkg
/// database (distroless status.d records joined into one), its own sources unless they are
/// turned off, and the given repositories and keyrings.
/// </summary>
internal sealed class ImageUpgradePlanner(HttpClient http, ILogger logger)
{
    /// <summary>
    /// Reads the repositories and plans the upgrades of <paramref name="snapshot"/>, the files
    /// of <paramref name="image"/>.
    /// </summary>
    public Task<AptUpgradePlan> PlanAsync(
        ResolvedImage image,
        ImageSnapshot snapshot,
        IUpgradeSourceOptions options,
        CancellationToken cancellationToken)
    {
        // The image's own architecture picks the Packages indexes when it has no dpkg record.
        var apt = image.Config.Architecture is { Length: > 0 } architecture
            ? options.Apt with { Architecture = architecture }
            : options.Apt;
        var client = new AptClient(http, apt, logger);
        return client.PlanUpgradesAsync(
            new AptUpdateRequest
            {
                Root = new StatusDirectoryRoot(snapshot),
                UseRootSources = options.UseImageSources,
                ExtraSources = options.ExtraSources,
                ExtraKeyrings = options.ExtraKeyrings,
            },
            cancellationToken);
    }
}
