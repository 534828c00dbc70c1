using System.Text;
using Drydock.Images.Patch;
using Drydock.Oci.Model;
using Drydock.Oci.References;
using Drydock.Oci.Transports;
using Drydock.Reports.Sbom;

namespace Drydock.Cli.Commands;

/// <summary>
/// The files <c>drydock patch</c> writes beside the patched image: the OpenVEX document of what
/// it fixed and the CycloneDX SBOM of the result. For an <c>oci:</c> output they go beside the
/// layout directory by default; for registries and archives only when named.
/// </summary>
internal sealed class PatchOutputs(string target, string? vexPath, string? sbomPath)
{
    private readonly List<(string Temporary, string Path, string Message)> _prepared = [];
    private readonly List<string> _published = [];

    /// <summary>
    /// Writes the side files to temporary paths beside their places, reading the SBOM from
    /// <paramref name="readBack"/>, the written image before it is published.
    /// </summary>
    public async Task PrepareAsync(
        PatchResult result,
        string readBack,
        ImageTransportOptions transport,
        Platform? platform,
        CliContext context,
        CancellationToken cancellationToken)
    {
        var reference = TransportReference.Parse(target);
        var (vex, sbom) = (vexPath ?? Beside(reference, "openvex.json"), sbomPath ?? Beside(reference, "cdx.json"));
        if (vex is not null)
        {
            var time = SourceDateEpoch() ?? DateTimeOffset.UtcNow;
            var json = PatchVex.Write(result, ImageName(reference), result.Distribution ?? "debian", time);
            var temporary = TemporaryBeside(vex);
            _prepared.Add((temporary, vex, $"wrote OpenVEX document {vex}"));
            await File.WriteAllBytesAsync(temporary, Encoding.UTF8.GetBytes(json), cancellationToken);
        }

        if (sbom is not null)
        {
            var document = await SbomCommand.ReadAsync(readBack, transport, platform, context, cancellationToken);
            var temporary = TemporaryBeside(sbom);
            _prepared.Add((temporary, sbom, $"wrote CycloneDX SBOM {sbom}"));
            SbomCommand.WriteFile(document, SbomFormat.CycloneDx, temporary);
        }
    }

    /// <summary>Renames the prepared side files into place.</summary>
    public async Task PublishAsync(CliContext context)
    {
        foreach (var (temporary, path, message) in _prepared)
        {
            File.Move(temporary, path, overwrite: true);
            _published.Add(path);
            await context.Stderr.WriteLineAsync(message);
        }

        _prepared.Clear();
    }

    /// <summary>Deletes the side files of a run that failed, published or not.</summary>
    public void Discard()
    {
        foreach (var path in _prepared.Select(p => p.Temporary).Concat(_published))
        {
            File.Delete(path);
        }

        _prepared.Clear();
        _published.Clear();
    }

    // DIR.TAG.SUFFIX beside an OCI layout directory, so the layout itself stays as the spec
    // describes it; registries and archives have no such place.
    private static string? Beside(TransportReference reference, string suffix) =>
        reference.Kind == TransportKind.OciLayout && reference.Path is { } directory
            ? $"{Path.TrimEndingDirectorySeparator(directory)}.{reference.Tag ?? "latest"}.{suffix}"
            : null;

    private static string ImageName(TransportReference reference) =>
        reference.Image is { } image
            ? image.Repository[(image.Repository.LastIndexOf('/') + 1)..]
            : Path.GetFileName(Path.TrimEndingDirectorySeparator(reference.Path ?? "image"));

    private static DateTimeOffset? SourceDateEpoch() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    // Beside the final path, so the rename that publishes it stays on one file system.
    private static string TemporaryBeside(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }
}
