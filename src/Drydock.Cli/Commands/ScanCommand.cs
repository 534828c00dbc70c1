using System.CommandLine;
using Drydock.Advisories.Store;
using Drydock.Advisories.Vex;
using Drydock.Images.Inventory;
using Drydock.Images.Scan;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
using Drydock.Packages.Distros;
using Drydock.Reports.Sbom;
using Drydock.Reports.Scan;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock scan IMAGE</c>: matches an image's OS packages against its release's advisories
/// and prints the findings as a table, JSON, SARIF or CycloneDX. Exit codes are listed in
/// docs/scan-json.md.
/// </summary>
internal static class ScanCommand
{
    /// <summary>The store holds no advisories for the image's release, or no release was detected.</summary>
    public const int NoAdvisoryData = 5;

    /// <summary>The image's release is out of security support and <c>--allow-eol</c> was not given.</summary>
    public const int EndOfLife = 6;

    private static readonly Dictionary<string, ScanFormat> _formats = new(StringComparer.Ordinal)
    {
        ["table"] = ScanFormat.Table,
        ["json"] = ScanFormat.Json,
        ["sarif"] = ScanFormat.Sarif,
        ["cyclonedx"] = ScanFormat.CycloneDx,
    };

    private sealed record Options(
        Argument<string> Image,
        Option<string?> Database,
        Option<string?> Format,
        Option<string?> Severity,
        Option<bool> IgnoreUnfixed,
        Option<int> ExitCode,
        Option<bool> AllowEol,
        Option<string[]> Vex,
        Option<int?> BaseLayers);

    public static Command Create()
    {
        var options = CreateOptions();
        var command = new Command("scan", "Find the vulnerabilities of an image's OS packages.")
        {
            options.Image, options.Database, options.Format, options.Severity, options.IgnoreUnfixed,
            options.ExitCode, options.AllowEol, options.Vex, options.BaseLayers,
        };
        CommandRunner.SetAction(command, (parseResult, context, cancellationToken) =>
            RunAsync(options, parseResult, context, cancellationToken));
        return command;
    }

    private static Options CreateOptions()
    {
        var format = new Option<string?>("--format")
        {
            Description = "Output format: table (the default on a terminal), json (the default otherwise), "
                + "sarif (SARIF 2.1.0) or cyclonedx (CycloneDX 1.6 SBOM with vulnerabilities).",
        };
        format.AcceptOnlyFromAmong([.. _formats.Keys]);
        return new Options(
            new Argument<string>("IMAGE")
            {
                Description = "Image to scan: REGISTRY/REPOSITORY[:TAG][@DIGEST], docker://..., oci:DIR[:TAG], "
                    + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
            },
            new Option<string?>("--db")
            {
                Description = "The advisory database file (default: advisories.db in the cache directory; "
                    + "see --cache-dir).",
            },
            format,
            new Option<string?>("--severity")
            {
                Description = "Report only these severities, comma-separated: unknown, negligible, low, medium, "
                    + "high, critical.",
            },
            new Option<bool>("--ignore-unfixed") { Description = "Report only findings that have a fix in the release." },
            new Option<int>("--exit-code")
            {
                Description = "Exit with this code when findings remain after the filters (default 0).",
            },
            new Option<bool>("--allow-eol")
            {
                Description = "Exit normally for a release out of security support; the warning is still printed.",
            },
            new Option<string[]>("--vex")
            {
                Description = "An OpenVEX 0.2.0 document whose not_affected and fixed statements suppress "
                    + "findings; repeat for several files.",
                AllowMultipleArgumentsPerToken = false,
            },
            new Option<int?>("--base-layers")
            {
                Description = "The number of bottom layers that came from the base image, to split findings into "
                    + "base and application (default: from the org.opencontainers.image.base.digest annotation).",
            });
    }

    private static async Task<int> RunAsync(Options options, ParseResult parseResult, CliContext context,
        CancellationToken cancellationToken)
    {
        var database = parseResult.GetValue(options.Database);
        RequireDatabase(database);
        var filter = new ScanFilter
        {
            Severities = ScanFilter.ParseSeverities(parseResult.GetValue(options.Severity)),
            IgnoreUnfixed = parseResult.GetValue(options.IgnoreUnfixed),
            Vex = ReadVex(parseResult.GetValue(options.Vex) ?? []),
        };
        var chosen = parseResult.GetValue(options.Format) is { } name ? _formats[name]
            : Console.IsOutputRedirected ? ScanFormat.Json : ScanFormat.Table;
        var location = parseResult.GetValue(options.Image)!;
        var transport = GlobalOptions.CreateTransportOptions(parseResult, context);
        var platform = GlobalOptions.GetPlatform(parseResult);
        var source = ImageTransports.OpenSource(location, transport);
        ScanDocument document;
        await using (source.ConfigureAwait(false))
        {
            var resolved = await ResolvedImage.LoadAsync(source, platform, cancellationToken);
            var (baseImage, baseWarning) = parseResult.GetValue(options.BaseLayers) is { } count
                ? (BaseImageResolver.FromLayerCount(resolved, count), null)
                : await BaseImageResolver.FromAnnotationsAsync(resolved, location,
                    reference => ImageTransports.OpenSource(reference, transport), platform, cancellationToken);
            var inventory = await ImageInventory.ReadAsync(resolved,
                context.LoggerFactory.CreateLogger("Drydock.Images"), cancellationToken);
            using var store = AdvisoryStore.Open(GlobalOptions.GetAdvisoryDatabase(parseResult, options.Database));
            var result = new ImageScanner(store).Scan(inventory, filter,
                new ScanImage(location, resolved.Manifest.Digest), baseImage);
            document = new ScanDocument
            {
                Image = location,
                ManifestDigest = resolved.Manifest.Digest,
                Result = baseWarning is null ? result : WithWarning(result, baseWarning),
                Sbom = Sbom(location, resolved, inventory),
                ToolVersion = SbomCommand.ToolVersion(),
            };
        }

        await context.Stdout.WriteAsync(ScanWriter.WriteToString(document, chosen));
        foreach (var warning in document.Result.Warnings)
        {
            await context.Stderr.WriteLineAsync($"warning: {warning}");
        }

        return ExitCode(document.Result, parseResult.GetValue(options.AllowEol), parseResult.GetValue(options.ExitCode));
    }

    private static VexFilter? ReadVex(string[] paths) =>
        paths.Length == 0 ? null : new VexFilter(paths.SelectMany(OpenVexReader.ReadFile));

    // Opening the store creates a missing file, which would turn a mistyped --db into an empty
    // database and a "no advisory data" result. Scan only reads, so a missing path is an error.
    private static void RequireDatabase(string? path)
    {
        if (path is not null && !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The advisory database '{path}' was not found. Check the --db path, or create the database "
                + $"with 'drydock db update --db {path}'.", path);
        }
    }

    private static ScanResult WithWarning(ScanResult result, string warning) => new()
    {
        Distro = result.Distro,
        Namespace = result.Namespace,
        HasData = result.HasData,
        EndOfLife = result.EndOfLife,
        SupportEnd = result.SupportEnd,
        PackageCount = result.PackageCount,
        Findings = result.Findings,
        Filtered = result.Filtered,
        Suppressed = result.Suppressed,
        Base = result.Base,
        Warnings = [.. result.Warnings, warning],
    };

    private static SbomDocument Sbom(string location, ResolvedImage image, ImageInventoryResult inventory)
    {
        var distro = DistroDetector.Detect(path => inventory.ReleaseFiles.GetValueOrDefault(path));
        return new SbomDocument
        {
            Image = new SbomImage(location, image.Manifest.Digest, image.ParsedManifest.Config.Digest,
                SbomCommand.PlatformOf(image.Config)),
            Distro = distro is null
                ? null
                : new SbomDistro(distro.Id, distro.Version ?? distro.Release, distro.Codename, distro.PrettyName),
            Inventory = inventory,
            ToolVersion = SbomCommand.ToolVersion(),
            Timestamp = SbomCommand.Timestamp(),
        };
    }

    internal static int ExitCode(ScanResult result, bool allowEol, int findingsExitCode) =>
        result.Outcome(allowEol) switch
        {
            ScanOutcome.NoData => NoAdvisoryData,
            ScanOutcome.EndOfLife => EndOfLife,
            ScanOutcome.Findings => findingsExitCode,
            _ => ExitCodes.Success,
        };
}
