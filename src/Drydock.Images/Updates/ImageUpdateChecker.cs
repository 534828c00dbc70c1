using Drydock.Images.Patch;
using Drydock.Oci;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Resolver;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Images.Updates;

/// <summary>Where <see cref="ImageUpdateChecker"/> looks for upgrades.</summary>
public sealed record UpdateCheckOptions : IUpgradeSourceOptions
{
    /// <summary>Read the image's own sources.list and sources.list.d (on by default).</summary>
    public bool UseImageSources { get; init; } = true;

    /// <summary>More repositories, such as <c>--repo</c> values; their Signed-By paths are host paths.</summary>
    public IReadOnlyList<AptSource> ExtraSources { get; init; } = [];

    /// <summary>Host keyrings trusted for repositories without Signed-By.</summary>
    public IReadOnlyList<Keyring> ExtraKeyrings { get; init; } = [];

    /// <summary>The platform to check in a multi-platform image; null means the host's.</summary>
    public Platform? Platform { get; init; }

    public AptOptions Apt { get; init; } = new();
}

/// <summary>
/// The upgrades available to an image: every installed package with a newer candidate (as
/// <c>apt list --upgradable</c> lists them), the packages the upgrade would newly install (as
/// <c>apt-get upgrade --with-new-pkgs</c> would) and those it would keep back.
/// </summary>
public sealed record ImageUpdateReport
{
    public required Digest ManifestDigest { get; init; }

    public required IReadOnlyList<UpgradablePackage> Upgradable { get; init; }

    public required IReadOnlyList<PackageChange> NewPackages { get; init; }

    public required IReadOnlyList<KeptBackPackage> KeptBack { get; init; }
}

/// <summary>
/// Lists the upgrades available to a Debian-family image from its own repositories or given
/// ones, reading the image's dpkg database and apt configuration the way <see cref="ImagePatcher"/>
/// does, without writing anything.
/// </summary>
public sealed partial class ImageUpdateChecker
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public ImageUpdateChecker(HttpClient http, ILogger? logger = null)
    {
        _http = http;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Reads the image and its repositories and returns the upgrades available to it.</summary>
    /// <exception cref="AptTrustException">A repository fails a signature, hash or validity check.</exception>
    /// <exception cref="InvalidDataException">The image has no dpkg database, or a file is malformed.</exception>
    public async Task<ImageUpdateReport> CheckAsync(
        IImageSource source, UpdateCheckOptions options, CancellationToken cancellationToken)
    {
        var image = await ResolvedImage.LoadAsync(source, options.Platform, cancellationToken).ConfigureAwait(false);
        var snapshot = await ImageSnapshot.ReadAsync(image, image.Layers, cancellationToken).ConfigureAwait(false);
        if (snapshot.ReadFile("var/lib/dpkg/status") is null && snapshot.Children("var/lib/dpkg/status.d").Count == 0)
        {
            throw new InvalidDataException(
                $"The image '{source.Name}' has no dpkg database (/var/lib/dpkg/status or status.d), "
                + "so it has no Debian packages to upgrade. Check the image name and platform.");
        }

        LogRead(image.Manifest.Digest, image.Layers.Count);
        var planner = new ImageUpgradePlanner(_http, _logger);
        var plan = await planner.PlanAsync(image, snapshot, options, cancellationToken).ConfigureAwait(false);
        return new ImageUpdateReport
        {
            ManifestDigest = image.Manifest.Digest,
            Upgradable = plan.Upgradable,
            NewPackages = [.. plan.Upgrade.Changes.Where(c => c.IsNew)],
            KeptBack = plan.Upgrade.KeptBack,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read image {Digest}: {Layers} layers")]
    private partial void LogRead(Digest digest, int layers);
}
