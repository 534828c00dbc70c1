using Drydock.Packages.Apt.Indexes;
using Drydock.Packages.Versions;

namespace Drydock.Packages.Apt.Resolver;

/// <summary>
/// One package the resolution installs or upgrades. <see cref="From"/> is null for a new
/// package; <see cref="NeededBy"/> names the package whose dependency pulled it in, or is
/// null for a requested package or an upgrade target.
/// </summary>
public sealed record PackageChange(
    string Name, string Architecture, DebianVersion? From, DebianVersion To, PackageRecord Record, string? NeededBy)
{
    public bool IsNew => From is null;

    /// <summary>The suite of the source entry the new version comes from.</summary>
    public string? Suite => Record.Release?.SourceSuite;

    public override string ToString() => From is null
        ? $"install {Name}:{Architecture} {To}"
        : $"upgrade {Name}:{Architecture} {From} -> {To}";
}

/// <summary>An upgradable package left at its installed version, with the chain that blocked it.</summary>
public sealed record KeptBackPackage(
    string Name, string Architecture, DebianVersion Installed, DebianVersion Candidate, IReadOnlyList<string> Chain);

/// <summary>A dependency of an installed package that no installed package satisfies.</summary>
/// <param name="Name">The installed package that declares the dependency.</param>
/// <param name="Architecture">Its architecture key (the native one for <c>all</c>).</param>
/// <param name="Field">Depends or Pre-Depends.</param>
/// <param name="Relation">The unmet group as the field writes it, alternatives joined by " | ".</param>
public sealed record UnmetDependency(string Name, string Architecture, string Field, string Relation);

/// <summary>The changes of one resolution, sorted by name and architecture, and the packages kept back.</summary>
public sealed record ResolutionResult(IReadOnlyList<PackageChange> Changes, IReadOnlyList<KeptBackPackage> KeptBack);

/// <summary>
/// A request the resolver cannot satisfy. <see cref="Chain"/> lists the packages and
/// relations from the requested package down to the one that failed.
/// </summary>
public sealed class UnsatisfiableDependencyException : InvalidOperationException
{
    public UnsatisfiableDependencyException(IReadOnlyList<string> chain, string message)
        : base(message)
    {
        Chain = chain;
    }

    public IReadOnlyList<string> Chain { get; }
}
