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
    public async Task WriteAsync(
        PatchResult result,
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
            WriteAtomically(vex, Encoding.UTF8.GetBytes(json));
            await context.Stderr.WriteLineAsync($"wrote OpenVEX document {vex}");
        }

        if (sbom is not null)
        {
            var document = await SbomCommand.ReadAsync(target, transport, platform, context, cancellationToken);
            SbomCommand.WriteFile(document, SbomFormat.CycloneDx, sbom);
            await context.Stderr.WriteLineAsync($"wrote CycloneDX SBOM {sbom}");
        }
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

    // Written beside the target and renamed, so a failed run leaves no half-written file.
    private static void WriteAtomically(string path, byte[] content)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, content);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
