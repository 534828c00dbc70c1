using System.CommandLine;
using Drydock.Advisories.Store;
using Drydock.Images.Inventory;
using Drydock.Images.Scan;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;
using Drydock.Reports.Scan;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock scan IMAGE</c>: matches an image's OS packages against its release's advisories
/// and prints the findings as a table or JSON. Exit codes are listed in docs/scan-json.md.
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
    };

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE")
        {
            Description = "Image to scan: REGISTRY/REPOSITORY[:TAG][@DIGEST], docker://..., oci:DIR[:TAG], "
                + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var database = new Option<string?>("--db")
        {
            Description = "The advisory database file (default: $DRYDOCK_CACHE_DIR/advisories.db, "
                + "else ~/.cache/drydock/advisories.db).",
        };
        var format = new Option<string?>("--format")
        {
            Description = "Output format: table (the default on a terminal) or json (the default otherwise).",
        };
        format.AcceptOnlyFromAmong([.. _formats.Keys]);
        var severity = new Option<string?>("--severity")
        {
            Description = "Report only these severities, comma-separated: unknown, negligible, low, medium, "
                + "high, critical.",
        };
        var ignoreUnfixed = new Option<bool>("--ignore-unfixed")
        {
            Description = "Report only findings that have a fix in the release.",
        };
        var exitCode = new Option<int>("--exit-code")
        {
            Description = "Exit with this code when findings remain after the filters (default 0).",
        };
        var allowEol = new Option<bool>("--allow-eol")
        {
            Description = "Exit normally for a release out of security support; the warning is still printed.",
        };

        var command = new Command("scan", "Find the vulnerabilities of an image's OS packages.")
        {
            image, database, format, severity, ignoreUnfixed, exitCode, allowEol,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var filter = new ScanFilter
            {
                Severities = ScanFilter.ParseSeverities(parseResult.GetValue(severity)),
                IgnoreUnfixed = parseResult.GetValue(ignoreUnfixed),
            };
            var chosen = parseResult.GetValue(format) is { } name ? _formats[name]
                : Console.IsOutputRedirected ? ScanFormat.Json : ScanFormat.Table;
            var location = parseResult.GetValue(image)!;
            var source = ImageTransports.OpenSource(location, GlobalOptions.CreateTransportOptions(parseResult, context));
            ScanDocument document;
            await using (source.ConfigureAwait(false))
            {
                var resolved = await ResolvedImage.LoadAsync(source, GlobalOptions.GetPlatform(parseResult),
                    cancellationToken);
                var inventory = await ImageInventory.ReadAsync(resolved,
                    context.LoggerFactory.CreateLogger("Drydock.Images"), cancellationToken);
                using var store = AdvisoryStore.Open(parseResult.GetValue(database));
                document = new ScanDocument
                {
                    Image = location,
                    ManifestDigest = resolved.Manifest.Digest,
                    Result = new ImageScanner(store).Scan(inventory, filter),
                };
            }

            await context.Stdout.WriteAsync(ScanWriter.WriteToString(document, chosen));
            foreach (var warning in document.Result.Warnings)
            {
                await context.Stderr.WriteLineAsync($"warning: {warning}");
            }

            return ExitCode(document.Result, parseResult.GetValue(allowEol), parseResult.GetValue(exitCode));
        });
        return command;
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
