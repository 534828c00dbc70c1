using System.CommandLine;
using Drydock.Oci.DockerArchives;
using Drydock.Oci.FileSystem;
using Drydock.Oci.Layers;
using Drydock.Oci.Layout;
using Drydock.Oci.Model;
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
            Description = "The image to unpack: oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var directory = new Argument<string>("dir")
        {
            Description = "The directory to create; it must not exist or must be empty.",
        };
        var platform = new Option<string?>("--platform")
        {
            Description = "The platform to take from a multi-platform image, as OS/ARCH[/VARIANT]; default the host's.",
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
            image, directory, platform, maxLayerSize, maxRatio,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var limits = LayerLimits.Default with
            {
                MaxUncompressedSize = result.GetValue(maxLayerSize) ?? LayerLimits.Default.MaxUncompressedSize,
                MaxCompressionRatio = result.GetValue(maxRatio) ?? LayerLimits.Default.MaxCompressionRatio,
            };
            return await RunAsync(result.GetValue(image)!, result.GetValue(directory)!, result.GetValue(platform),
                limits, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(string reference, string directory, string? platform,
        LayerLimits limits, CancellationToken cancellationToken)
    {
        try
        {
            await using var source = OpenSource(reference);
            var image = await ResolvedImage.LoadAsync(source,
                platform is null ? null : Platform.Parse(platform), cancellationToken).ConfigureAwait(false);
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("drydock unpack needs a Linux file system.");
            }

            await new RootfsUnpacker { Limits = limits }.UnpackAsync(image, directory, cancellationToken)
                .ConfigureAwait(false);
            Console.Out.WriteLine($"Unpacked {image.Layers.Count} layers of {source.Name} into {Path.GetFullPath(directory)}");
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException
            or NotSupportedException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync("drydock unpack: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    // NOTE: a small local parser for the file transports only; registry references and the
    // shared reference syntax come from the transport factory.
    private static IImageSource OpenSource(string reference)
    {
        static (string Path, string? Tag) Split(string rest)
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (rest, null) : (rest[..colon], rest[(colon + 1)..]);
        }

        if (reference.StartsWith("oci:", StringComparison.Ordinal))
        {
            var (path, tag) = Split(reference["oci:".Length..]);
            return OciLayout.OpenSource(path, tag);
        }

        if (reference.StartsWith("oci-archive:", StringComparison.Ordinal))
        {
            var (path, tag) = Split(reference["oci-archive:".Length..]);
            return OciArchive.OpenSource(path, tag);
        }

        if (reference.StartsWith("docker-archive:", StringComparison.Ordinal))
        {
            var (path, tag) = Split(reference["docker-archive:".Length..]);
            return DockerArchive.OpenSource(path, tag);
        }

        throw new NotSupportedException(
            $"Image '{reference}' is not a file transport. Use oci:DIR[:TAG], oci-archive:FILE[:TAG] or "
            + "docker-archive:FILE[:REF].");
    }
}
