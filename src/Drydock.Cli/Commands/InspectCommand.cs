using System.CommandLine;
using System.Text.Json;
using Drydock.Oci.Model;
using Drydock.Oci.Transports;

namespace Drydock.Cli.Commands;

/// <summary><c>drydock inspect IMAGE</c>: shows an image's manifest, config and layers.</summary>
internal static class InspectCommand
{
    // Configs are small JSON documents; this bounds what a hostile source can make Drydock hold.
    private const long MaxConfigSize = 8 * 1024 * 1024;

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE")
        {
            Description = "Image to inspect: REGISTRY/REPOSITORY[:TAG][@DIGEST], docker://..., oci:DIR[:TAG], "
                + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var format = new Option<string>("--format")
        {
            Description = "Output format: 'table' for people, 'json' for programs.",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json");

        var command = new Command("inspect", "Show an image's manifest, config and layer table.") { image, format };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var options = GlobalOptions.CreateTransportOptions(parseResult, context);
            var source = ImageTransports.OpenSource(parseResult.GetValue(image)!, options);
            await using (source.ConfigureAwait(false))
            {
                var inspection = await InspectAsync(
                    source, GlobalOptions.GetPlatform(parseResult), cancellationToken);
                if (parseResult.GetValue(format) == "json")
                {
                    await WriteJsonAsync(context.Stdout, inspection);
                }
                else
                {
                    await WriteTableAsync(context.Stdout, inspection);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<ImageInspection> InspectAsync(
        IImageSource source, Platform? platform, CancellationToken cancellationToken)
    {
        var (root, manifest) = await ManifestResolver.ResolveAsync(source, platform, cancellationToken);
        var parsed = manifest.ParseManifest();
        if (parsed.Config.Size > MaxConfigSize)
        {
            throw new InvalidDataException(
                $"Config '{parsed.Config.Digest}' of '{source.Name}' is {parsed.Config.Size} bytes, over the "
                + $"{MaxConfigSize}-byte limit for configs.");
        }

        var configBytes = new byte[parsed.Config.Size];
        var stream = await source.OpenBlobAsync(parsed.Config, cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(configBytes, cancellationToken);

            // Reading the end lets the verifying stream check the digest.
            if (await stream.ReadAsync(new byte[1], cancellationToken) != 0)
            {
                throw new InvalidDataException($"Config '{parsed.Config.Digest}' of '{source.Name}' is too long.");
            }
        }

        ImageConfig config;
        try
        {
            config = JsonSerializer.Deserialize<ImageConfig>(configBytes, OciJson.Options)
                ?? throw new InvalidDataException($"Config '{parsed.Config.Digest}' of '{source.Name}' is JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"Config '{parsed.Config.Digest}' of '{source.Name}' is malformed: {e.Message}", e);
        }

        return new ImageInspection(source.Name, root, manifest, parsed, configBytes, config);
    }

    private static async Task WriteTableAsync(TextWriter output, ImageInspection image)
    {
        var config = image.Config;
        await output.WriteLineAsync($"Name:       {image.Name}");
        await output.WriteLineAsync($"Digest:     {image.Root.Digest}");
        await output.WriteLineAsync($"Media type: {image.Root.MediaType}");
        if (image.Root.IsIndex)
        {
            var platforms = image.Root.ParseIndex().Manifests.Select(m => m.Platform?.ToString() ?? "?");
            await output.WriteLineAsync($"Platforms:  {string.Join(", ", platforms)}");
            await output.WriteLineAsync($"Manifest:   {image.Manifest.Digest} ({image.Manifest.MediaType})");
        }

        await output.WriteLineAsync($"Platform:   {config.Os}/{config.Architecture}"
            + (config.Variant is null ? string.Empty : "/" + config.Variant));
        await output.WriteLineAsync($"Created:    {config.Created?.ToString("u") ?? "-"}");
        await output.WriteLineAsync($"Config:     {image.Parsed.Config.Digest} ({image.Parsed.Config.Size} bytes)");
        if (config.Config is { } run)
        {
            await output.WriteLineAsync($"Entrypoint: {Join(run.Entrypoint)}");
            await output.WriteLineAsync($"Cmd:        {Join(run.Cmd)}");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"{"#",3}  {"DIGEST",-19}  {"SIZE",12}  {"MEDIA TYPE",-45}  CREATED BY");
        var history = LayerHistory(config);
        for (var i = 0; i < image.Parsed.Layers.Count; i++)
        {
            var layer = image.Parsed.Layers[i];
            var createdBy = i < history.Count ? history[i] : string.Empty;
            await output.WriteLineAsync(
                $"{i + 1,3}  {layer.Digest.Hex[..12] + "...",-19}  {layer.Size,12}  {layer.MediaType,-45}  {createdBy}");
        }

        var total = image.Parsed.Layers.Sum(l => l.Size);
        await output.WriteLineAsync($"{image.Parsed.Layers.Count} layers, {total} bytes compressed");
    }

    private static async Task WriteJsonAsync(TextWriter output, ImageInspection image)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("name", image.Name);
            writer.WriteString("digest", image.Root.Digest.ToString());
            writer.WriteString("mediaType", image.Root.MediaType);
            if (image.Root.IsIndex)
            {
                writer.WritePropertyName("index");
                WriteRaw(writer, image.Root.Bytes.Span);
            }

            writer.WriteString("manifestDigest", image.Manifest.Digest.ToString());
            writer.WritePropertyName("manifest");
            WriteRaw(writer, image.Manifest.Bytes.Span);
            writer.WritePropertyName("config");
            WriteRaw(writer, image.ConfigBytes);
            writer.WriteStartArray("layers");
            var history = LayerHistory(image.Config);
            var diffIds = image.Config.RootFs?.DiffIds ?? [];
            for (var i = 0; i < image.Parsed.Layers.Count; i++)
            {
                var layer = image.Parsed.Layers[i];
                writer.WriteStartObject();
                writer.WriteString("digest", layer.Digest.ToString());
                writer.WriteNumber("size", layer.Size);
                writer.WriteString("mediaType", layer.MediaType);
                writer.WriteString("diffId", i < diffIds.Count ? diffIds[i] : null);
                writer.WriteString("createdBy", i < history.Count ? history[i] : null);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteRaw(Utf8JsonWriter writer, ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        document.WriteTo(writer);
    }

    // History entries with empty_layer made no layer; the rest line up with the layers.
    private static List<string> LayerHistory(ImageConfig config) =>
        (config.History ?? []).Where(h => !h.EmptyLayer).Select(h => h.CreatedBy ?? string.Empty).ToList();

    private static string Join(IReadOnlyList<string>? values) =>
        values is null ? "-" : JsonSerializer.Serialize(values);

    private sealed record ImageInspection(
        string Name, RawManifest Root, RawManifest Manifest, ImageManifest Parsed, byte[] ConfigBytes, ImageConfig Config);
}
