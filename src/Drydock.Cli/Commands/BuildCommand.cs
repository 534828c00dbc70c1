using System.CommandLine;
using System.Reflection;
using Drydock.Images.Build;
using Drydock.Images.Inventory;
using Drydock.Oci.Layers;
using Drydock.Oci.Net;
using Drydock.Oci.References;
using Drydock.Oci.Transports;
using Drydock.Packages.Distros;
using Drydock.Reports.Sbom;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock build SPEC --output DST</c>: builds a minimal image from distribution packages
/// and its SBOMs (CycloneDX and SPDX), written beside an archive output and attached as
/// referrers to a layout or registry output.
/// </summary>
internal static class BuildCommand
{
    private static readonly (SbomFormat Format, string Extension, string ArtifactType)[] _sboms =
    [
        (SbomFormat.CycloneDx, "cdx.json", "application/vnd.cyclonedx+json"),
        (SbomFormat.Spdx, "spdx.json", "application/spdx+json"),
    ];

    public static Command Create()
    {
        var spec = new Argument<string>("SPEC") { Description = "The build spec (YAML), see docs/build-spec.md." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to write the image: oci:DIR[:TAG], oci-archive:FILE[:TAG], "
                + "docker-archive:FILE[:REF] or a registry reference.",
            Required = true,
        };
        var layering = new Option<string>("--layering")
        {
            Description = "single: one layer (the default); source: one layer for the files Drydock "
                + "writes, then one per source package, ordered by source name.",
            DefaultValueFactory = _ => "single",
        };
        layering.AcceptOnlyFromAmong("single", "source");
        var noSbom = new Option<bool>("--no-sbom")
        {
            Description = "Write no SBOM files and attach no SBOM referrers.",
        };
        var command = new Command(
            "build", "Build an image from a spec's packages, using SPEC.lock.json when it exists.")
        {
            spec, output, layering, noSbom,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var path = parseResult.GetValue(spec)!;
            var destination = parseResult.GetValue(output)!;
            var buildSpec = BuildSpecFile.Read(path);
            using var http = GuardedHttp.Create();
            var buildLock = await PackageLocker.ForBuildAsync(
                buildSpec, http, context.LoggerFactory.CreateLogger("Drydock.Images.Build"), cancellationToken);
            var options = new BuildOptions
            {
                Http = http,
                CacheRoot = GlobalOptions.GetCacheDirectory(parseResult),
                Transport = GlobalOptions.CreateTransportOptions(parseResult, context),
                Layering = parseResult.GetValue(layering) == "source" ? BuildLayering.Source : BuildLayering.Single,
            };
            var result = await ImageBuilder.BuildAsync(buildSpec, buildLock, destination, options, cancellationToken);
            await context.Stdout.WriteLineAsync($"{result.Manifest} ({result.Packages.Count} packages)");
            if (!parseResult.GetValue(noSbom))
            {
                await WriteSbomsAsync(destination, result, options.Transport, context, cancellationToken);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    // Each image is read back from the output, so the SBOM lists what a scanner of it finds.
    private static async Task WriteSbomsAsync(string output, BuildResult result, ImageTransportOptions transport,
        CliContext context, CancellationToken cancellationToken)
    {
        var location = TransportReference.Parse(output);
        var referrers = new List<Referrer>();
        foreach (var image in result.Images)
        {
            var (document, created) = await ReadAsync(output, image, transport, context, cancellationToken);
            foreach (var (format, extension, artifactType) in _sboms)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(SbomWriter.WriteToString(document, format));
                referrers.Add(new Referrer(image.Manifest, artifactType, bytes, created));
                if (SidePath(location, image.Architecture, result.Images.Count, extension) is { } sbomPath)
                {
                    WriteFile(sbomPath, bytes);
                    await context.Stdout.WriteLineAsync(sbomPath);
                }
            }
        }

        if (location.Kind is TransportKind.OciLayout or TransportKind.Registry)
        {
            foreach (var manifest in await Referrers.AttachAsync(output, referrers, transport, cancellationToken))
            {
                await context.Stdout.WriteLineAsync($"{manifest.Digest} (SBOM referrer)");
            }
        }
    }

    /// <summary>
    /// Returns the path of an SBOM written beside an archive output, or null for a layout or
    /// registry. Those carry it as a referrer, and one layout contains several tags, whose side
    /// files would collide.
    /// </summary>
    public static string? SidePath(TransportReference output, string architecture, int images, string extension)
    {
        if (output.Kind is TransportKind.OciLayout or TransportKind.Registry || output.Path is not { } file)
        {
            return null;
        }

        var suffix = images == 1 ? extension : $"{architecture}.{extension}";
        return $"{file}.{suffix}";
    }

    private static async Task<(SbomDocument, DateTimeOffset)> ReadAsync(string output, BuiltImage built,
        ImageTransportOptions transport, CliContext context, CancellationToken cancellationToken)
    {
        var source = ImageTransports.OpenSource(output, transport);
        await using (source.ConfigureAwait(false))
        {
            var image = await ResolvedImage.LoadAsync(source, built.Platform, cancellationToken);
            var logger = context.LoggerFactory.CreateLogger("Drydock.Images");
            var inventory = await ImageInventory.ReadAsync(image, logger, cancellationToken);
            var distro = DistroDetector.Detect(path => inventory.ReleaseFiles.GetValueOrDefault(path));
            var created = image.Config.Created ?? DateTimeOffset.UnixEpoch;
            var document = new SbomDocument
            {
                Image = new SbomImage(output, image.Manifest.Digest, image.ParsedManifest.Config.Digest,
                    built.Platform.ToString()),
                Distro = distro is null
                    ? null
                    : new SbomDistro(distro.Id, distro.Version ?? distro.Release, distro.Codename, distro.PrettyName),
                Inventory = inventory,
                ToolVersion = typeof(BuildCommand).Assembly
                    .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                    .Split('+')[0] ?? "0.0.0",
                Timestamp = created,
            };
            return (document, created);
        }
    }

    // Written beside the target and renamed, so a failed run leaves no half-written file.
    private static void WriteFile(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
