using Drydock.Packages.Inventory;

namespace Drydock.Images.Inventory;

/// <summary>
/// Tells which layer introduced each package's installed version by comparing the package
/// databases as they were after each layer that touched them. A package keeps the layer of its
/// previous state when the new state lists it with the same identity (type, name, architecture)
/// and the same version and build; otherwise the current layer introduced it, so a purge and
/// reinstall or a downgrade and upgrade moves it up, and a database rewritten to add one
/// package leaves the others where they were.
/// </summary>
internal sealed class LayerAttribution
{
    private Dictionary<PackageKey, int> _introducedBy = [];

    /// <summary>Records the packages present after <paramref name="layerIndex"/> is applied.</summary>
    public void Apply(int layerIndex, IEnumerable<InstalledPackage> packages)
    {
        var next = new Dictionary<PackageKey, int>();
        foreach (var package in packages)
        {
            var key = PackageKey.Of(package);
            next[key] = _introducedBy.GetValueOrDefault(key, layerIndex);
        }

        _introducedBy = next;
    }

    /// <summary>Returns the layer that introduced the package as it stands now.</summary>
    public int LayerOf(InstalledPackage package) =>
        _introducedBy.TryGetValue(PackageKey.Of(package), out var layer)
            ? layer
            : throw new InvalidOperationException($"Package '{package}' was not recorded by any layer.");

    // The build stamp tells apart two builds with one version: apk's control checksum (C:)
    // and rpm's SIGMD5. dpkg records nothing of the kind, so the version alone decides there.
    private readonly record struct PackageKey(
        PackageType Type, string Name, string? Architecture, string Version, string? Build)
    {
        public static PackageKey Of(InstalledPackage package) => new(
            package.Type,
            package.Name,
            package.Architecture,
            package.Version,
            package.Apk?.Checksum ?? package.Rpm?.SigMd5);
    }
}
