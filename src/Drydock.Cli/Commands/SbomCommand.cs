using System.CommandLine;
using System.Reflection;
using Drydock.Images.Inventory;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;
using Drydock.Packages.Distros;
using Drydock.Reports.Sbom;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock sbom IMAGE</c>: lists the OS packages of an image, each with the layer that
/// introduced it, as a table, Drydock JSON, CycloneDX 1.6 or SPDX 2.3.
/// </summary>
internal static class SbomCommand
{
    private static readonly Dictionary<string, SbomFormat> _formats = new(StringComparer.Ordinal)
    {
        ["table"] = SbomFormat.Table,
        ["json"] = SbomFormat.Json,
        ["cyclonedx"] = SbomFormat.CycloneDx,
        ["spdx"] = SbomFormat.Spdx,
    };

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE")
        {
            Description = "Image to list: REGISTRY/REPOSITORY[:TAG][@DIGEST], docker://..., oci:DIR[:TAG], "
                + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var format = new Option<string?>("--format")
        {
            Description = "Output format: table (the default on a terminal), json (the default "
                + "otherwise), cyclonedx (CycloneDX 1.6 JSON) or spdx (SPDX 2.3 JSON).",
        };
        format.AcceptOnlyFromAmong([.. _formats.Keys]);
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Write the SBOM to this file instead of standard output; the file "
                + "appears only once it is complete.",
        };

        var command = new Command("sbom", "List the OS packages of an image and the layer that brought each one.")
        {
            image, format, output,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var outputPath = parseResult.GetValue(output);
            var chosen = parseResult.GetValue(format) is { } name ? _formats[name]
                : Console.IsOutputRedirected || outputPath is not null ? SbomFormat.Json
                : SbomFormat.Table;
            var options = GlobalOptions.CreateTransportOptions(parseResult, context);
            var document = await ReadAsync(parseResult.GetValue(image)!, options,
                GlobalOptions.GetPlatform(parseResult), context, cancellationToken);
            if (outputPath is null)
            {
                await context.Stdout.WriteAsync(SbomWriter.WriteToString(document, chosen));
            }
            else
            {
                WriteFile(document, chosen, outputPath);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    internal static async Task<SbomDocument> ReadAsync(string location, ImageTransportOptions options,
        Platform? platform, CliContext context, CancellationToken cancellationToken)
    {
        var source = ImageTransports.OpenSource(location, options);
        await using (source.ConfigureAwait(false))
        {
            var image = await ResolvedImage.LoadAsync(source, platform, cancellationToken);
            var logger = context.LoggerFactory.CreateLogger("Drydock.Images");
            var inventory = await ImageInventory.ReadAsync(image, logger, cancellationToken);
            var distro = DistroDetector.Detect(path => inventory.ReleaseFiles.GetValueOrDefault(path));
            return new SbomDocument
            {
                Image = new SbomImage(location, image.Manifest.Digest, image.ParsedManifest.Config.Digest,
                    PlatformOf(image.Config)),
                Distro = distro is null
                    ? null
                    : new SbomDistro(distro.Id, distro.Version ?? distro.Release, distro.Codename, distro.PrettyName),
                Inventory = inventory,
                ToolVersion = ToolVersion(),
                Timestamp = Timestamp(),
            };
        }
    }

    // Written beside the target and renamed, so a failed run leaves no half-written file.
    internal static void WriteFile(SbomDocument document, SbomFormat format, string outputPath)
    {
        var full = Path.GetFullPath(outputPath);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                SbomWriter.Write(document, format, file);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    internal static string? PlatformOf(ImageConfig config) => config.Os is null || config.Architecture is null
        ? null
        : config.Variant is null ? $"{config.Os}/{config.Architecture}" : $"{config.Os}/{config.Architecture}/{config.Variant}";

    internal static string ToolVersion() =>
        typeof(SbomCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    // SOURCE_DATE_EPOCH (reproducible-builds.org/specs/source-date-epoch) fixes the time written
    // into the documents, so two runs over one image give the same bytes.
    internal static DateTimeOffset Timestamp() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UtcNow;
}
