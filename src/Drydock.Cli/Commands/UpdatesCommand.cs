using System.CommandLine;
using System.Text;
using System.Text.Json;
using Drydock.Images.Updates;
using Drydock.Oci.Net;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock updates IMAGE</c>: lists the package upgrades available to an image, like
/// <c>apt list --upgradable</c> run inside it. The JSON and exit codes are in docs/apt.md.
/// </summary>
internal static class UpdatesCommand
{
    /// <summary>Upgrades are available and <c>--exit-code</c> was given, as <c>dnf check-update</c> exits.</summary>
    public const int UpgradesAvailable = 100;

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE")
        {
            Description = "Image to check: REGISTRY/REPOSITORY[:TAG], docker://..., oci:DIR[:TAG], "
                + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var repos = new Option<string[]>("--repo")
        {
            Description = "An extra repository as a sources.list line, such as "
                + "'deb [signed-by=/path/key.gpg] http://HOST/debian bookworm-security main'. Repeatable.",
        };
        var keyrings = new Option<string[]>("--keyring")
        {
            Description = "A host keyring file trusted for --repo entries without signed-by. Repeatable.",
        };
        var noImageSources = new Option<bool>("--no-image-sources")
        {
            Description = "Ignore the image's own sources.list and use only --repo entries.",
        };
        var allowImageTrusted = new Option<bool>("--allow-image-trusted-sources")
        {
            Description = "Honour trusted=yes on the image's own sources, which turns off their signature "
                + "checks (by default their signatures are checked anyway).",
        };
        var format = new Option<string>("--format")
        {
            Description = "Output format: table or json.",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json");
        var exitCode = new Option<bool>("--exit-code")
        {
            Description = $"Exit with {UpgradesAvailable} when upgrades are available (default: exit 0).",
        };

        var command = new Command(
            "updates", "List the package upgrades available to an image, like apt list --upgradable.")
        {
            image, repos, keyrings, noImageSources, allowImageTrusted, format, exitCode,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var options = new UpdateCheckOptions
            {
                UseImageSources = !parseResult.GetValue(noImageSources),
                ExtraSources =
                    [.. (parseResult.GetValue(repos) ?? []).Select(line => SourcesListParser.ParseLine(line))],
                ExtraKeyrings = [.. (parseResult.GetValue(keyrings) ?? []).Select(LoadKeyring)],
                Platform = GlobalOptions.GetPlatform(parseResult),
                Apt = new AptOptions { AllowRootTrustedSources = parseResult.GetValue(allowImageTrusted) },
            };
            var location = parseResult.GetValue(image)!;
            using var http = GuardedHttp.Create();
            var checker = new ImageUpdateChecker(http, context.LoggerFactory.CreateLogger("Drydock.Images.Updates"));
            var transport = GlobalOptions.CreateTransportOptions(parseResult, context);
            var source = ImageTransports.OpenSource(location, transport);
            ImageUpdateReport report;
            await using (source.ConfigureAwait(false))
            {
                report = await checker.CheckAsync(source, options, cancellationToken);
            }

            var text = parseResult.GetValue(format) == "json" ? Json(location, report) : Table(report);
            await context.Stdout.WriteAsync(text);
            var signal = parseResult.GetValue(exitCode) && report.Upgradable.Count > 0;
            return signal ? UpgradesAvailable : ExitCodes.Success;
        });
        return command;
    }

    private static Keyring LoadKeyring(string path)
    {
        using var stream = File.OpenRead(path);
        return Keyring.Load(stream, path);
    }

    /// <summary>Formats one line per upgrade as <c>apt list --upgradable</c> does, then the new packages.</summary>
    internal static string Table(ImageUpdateReport report)
    {
        var text = new StringBuilder();
        if (report.Upgradable.Count == 0)
        {
            text.AppendLine("All packages are up to date.");
        }

        foreach (var package in report.Upgradable)
        {
            text.AppendLine(
                $"{package.Name}/{package.Suite} {package.Candidate} {package.Architecture} "
                + $"[upgradable from: {package.Installed}]");
        }

        foreach (var change in report.NewPackages)
        {
            text.AppendLine(
                $"new: {change.Name}/{change.Suite} {change.To} {change.Architecture} (needed by {change.NeededBy})");
        }

        foreach (var kept in report.KeptBack)
        {
            text.AppendLine(
                $"kept back: {kept.Name} {kept.Installed} (candidate {kept.Candidate}): "
                + string.Join(" -> ", kept.Chain));
        }

        return text.ToString();
    }

    internal static string Json(string image, ImageUpdateReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("image", image);
            json.WriteString("manifestDigest", report.ManifestDigest.ToString());
            WriteObjects(json, "upgradable", report.Upgradable, package =>
            {
                json.WriteString("package", package.Name);
                json.WriteString("architecture", package.Architecture);
                json.WriteString("installedVersion", package.Installed.ToString());
                json.WriteString("candidateVersion", package.Candidate.ToString());
                json.WriteString("suite", package.Suite);
                json.WriteString("origin", package.Origin);
            });
            WriteObjects(json, "newPackages", report.NewPackages, change =>
            {
                json.WriteString("package", change.Name);
                json.WriteString("architecture", change.Architecture);
                json.WriteString("version", change.To.ToString());
                json.WriteString("suite", change.Suite);
                json.WriteString("neededBy", change.NeededBy);
            });
            WriteObjects(json, "keptBack", report.KeptBack, kept =>
            {
                json.WriteString("package", kept.Name);
                json.WriteString("architecture", kept.Architecture);
                json.WriteString("installedVersion", kept.Installed.ToString());
                json.WriteString("candidateVersion", kept.Candidate.ToString());
                json.WriteStartArray("reason");
                kept.Chain.ToList().ForEach(json.WriteStringValue);
                json.WriteEndArray();
            });
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    // Writes the array property "name" with one object per item, filled by writeProperties.
    private static void WriteObjects<T>(
        Utf8JsonWriter json, string name, IEnumerable<T> items, Action<T> writeProperties)
    {
        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteStartObject();
            writeProperties(item);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
