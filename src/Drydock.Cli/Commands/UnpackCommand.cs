using System.CommandLine;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Transports;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock unpack IMAGE DIR</c>: writes the flattened root file system of an image into a new
/// directory, like umoci unpack's rootfs or crane export.
/// </summary>
internal static class UnpackCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image")
        {
            Description = "The image to unpack: REGISTRY/REPOSITORY[:TAG][@DIGEST], docker://..., oci:DIR[:TAG], "
                + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var directory = new Argument<string>("dir")
        {
            Description = "The directory to create; it must not exist or must be empty.",
        };
        var maxLayerSize = new Option<long?>("--max-layer-size")
        {
            Description = "Bytes one layer may expand to before it is rejected as a decompression bomb.",
        };
        var maxRatio = new Option<double?>("--max-compression-ratio")
        {
            Description = "Uncompressed bytes per compressed byte a layer may reach before it is rejected.",
        };
        var command = new Command("unpack", "Unpack an image's flattened root file system into a directory.")
        {
            image, directory, maxLayerSize, maxRatio,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var limits = LayerLimits.Default with
            {
                MaxUncompressedSize = parseResult.GetValue(maxLayerSize) ?? LayerLimits.Default.MaxUncompressedSize,
                MaxCompressionRatio = parseResult.GetValue(maxRatio) ?? LayerLimits.Default.MaxCompressionRatio,
            };
            var options = GlobalOptions.CreateTransportOptions(parseResult, context);
            var source = ImageTransports.OpenSource(parseResult.GetValue(image)!, options);
            await using (source.ConfigureAwait(false))
            {
                var resolved = await ResolvedImage.LoadAsync(
                    source, GlobalOptions.GetPlatform(parseResult), cancellationToken).ConfigureAwait(false);
                var target = parseResult.GetValue(directory)!;
                await new RootfsUnpacker { Limits = limits }.UnpackAsync(resolved, target, cancellationToken)
                    .ConfigureAwait(false);
                await context.Stdout.WriteLineAsync(
                    $"Unpacked {resolved.Layers.Count} layers of {source.Name} into {Path.GetFullPath(target)}")
                    .ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
