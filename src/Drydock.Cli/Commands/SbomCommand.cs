using System.CommandLine;
using System.Reflection;
using Drydock.Images.Inventory;
using Drydock.Oci.Layers;
using Drydock.Oci.Model;
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
            Description = "The image: oci:DIR[:TAG] (an OCI image layout).",
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
        var platform = new Option<string?>("--platform")
        {
            Description = "The platform to read from a multi-platform image, as os/arch[/variant] "
                + "(default: the host's).",
        };

        var command = new Command("sbom", "List the OS packages of an image and the layer that brought each one.");
        command.Arguments.Add(image);
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(platform);
        command.SetAction((result, token) => RunAsync(
            result.GetValue(image)!, result.GetValue(format), result.GetValue(output),
            result.GetValue(platform), token));
        return command;
    }

    private static async Task<int> RunAsync(
        string location, string? formatName, string? outputPath, string? platformText, CancellationToken token)
    {
        var format = formatName is null
            ? Console.IsOutputRedirected || outputPath is not null ? SbomFormat.Json : SbomFormat.Table
            : _formats[formatName];
        try
        {
            var document = await ReadAsync(location, platformText, token).ConfigureAwait(false);
            foreach (var diagnostic in document.Inventory.Diagnostics)
            {
                await Console.Error.WriteLineAsync($"warning: {diagnostic}").ConfigureAwait(false);
            }

            Write(document, format, outputPath);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException
            or UnauthorizedAccessException or NotSupportedException)
        {
            await Console.Error.WriteLineAsync($"drydock sbom: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<SbomDocument> ReadAsync(string location, string? platformText, CancellationToken token)
    {
        var source = OciLayoutSource.TryOpen(location)
            ?? throw new NotSupportedException(
                $"The image location '{location}' is not supported by this build. Give an OCI layout as oci:DIR[:TAG].");
        await using (source.ConfigureAwait(false))
        {
            var platform = platformText is null ? null : Platform.Parse(platformText);
            var image = await ResolvedImage.LoadAsync(source, platform, token).ConfigureAwait(false);
            var inventory = await ImageInventory.ReadAsync(image, null, token).ConfigureAwait(false);
            return new SbomDocument
            {
                Image = new SbomImage(location, image.Manifest.Digest, image.ParsedManifest.Config.Digest,
                    PlatformOf(image.Config)),
                Distro = ReleaseFiles.Detect(inventory.ReleaseFiles),
                Inventory = inventory,
                ToolVersion = ToolVersion(),
                Timestamp = Timestamp(),
            };
        }
    }

    private static void Write(SbomDocument document, SbomFormat format, string? outputPath)
    {
        if (outputPath is null)
        {
            using var stdout = Console.OpenStandardOutput();
            SbomWriter.Write(document, format, stdout);
            return;
        }

        // Written beside the target and renamed, so a failed run leaves no half-written file.
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

    private static string? PlatformOf(ImageConfig config) => config.Os is null || config.Architecture is null
        ? null
        : config.Variant is null ? $"{config.Os}/{config.Architecture}" : $"{config.Os}/{config.Architecture}/{config.Variant}";

    private static string ToolVersion() =>
        typeof(SbomCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    // SOURCE_DATE_EPOCH (reproducible-builds.org/specs/source-date-epoch) fixes the time written
    // into the documents, so two runs over one image give the same bytes.
    private static DateTimeOffset Timestamp() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UtcNow;
}
