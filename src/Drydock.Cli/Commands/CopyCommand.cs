using System.CommandLine;
using Drydock.Oci.Transports;

namespace Drydock.Cli.Commands;

/// <summary><c>drydock copy SRC DST</c>: copies an image between registries, layouts and archives.</summary>
internal static class CopyCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SOURCE")
        {
            Description = "Image to read: REGISTRY/REPOSITORY[:TAG][@DIGEST], docker://..., oci:DIR[:TAG], "
                + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var destination = new Argument<string>("DESTINATION")
        {
            Description = "Where to write it, in the same syntax.",
        };
        var allPlatforms = new Option<bool>("--all-platforms", "-a")
        {
            Description = "Copy every platform of a multi-platform image and the index itself, "
                + "instead of the one --platform picks.",
        };

        var command = new Command("copy", "Copy an image, keeping manifest and config bytes, so digests do not change.")
        {
            source, destination, allPlatforms,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var options = GlobalOptions.CreateTransportOptions(parseResult, context);
            var copy = new CopyOptions
            {
                Platform = GlobalOptions.GetPlatform(parseResult),
                AllPlatforms = parseResult.GetValue(allPlatforms),
                Cache = options.Cache,
            };
            var from = ImageTransports.OpenSource(parseResult.GetValue(source)!, options);
            await using (from.ConfigureAwait(false))
            {
                var to = ImageTransports.OpenDestination(parseResult.GetValue(destination)!, options);
                await using (to.ConfigureAwait(false))
                {
                    var result = await BlobProgressDisplay.RunAsync(context, progress =>
                        ImageCopier.CopyAsync(from, to, copy with { Progress = progress }, cancellationToken));
                    await context.Stdout.WriteLineAsync(
                        $"{result.Root.Digest} {to.Name} ({result.BlobsCopied} blobs copied, "
                        + $"{result.BlobsSkipped} already present, {result.BytesCopied} bytes)");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
