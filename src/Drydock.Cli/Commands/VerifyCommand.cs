using System.CommandLine;
using System.Text;
using System.Text.Json;
using Drydock.Images.Verify;
using Drydock.Oci.Transports;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock verify IMAGE</c>: checks that the image's dpkg database and files agree, like
/// <c>dpkg --verify</c> and <c>dpkg --audit</c>. Output and exit codes are in docs/verify.md.
/// </summary>
internal static class VerifyCommand
{
    /// <summary>Verification found an error: a changed or missing file, an unmet dependency...</summary>
    public const int ProblemsFound = 8;

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE")
        {
            Description = "Image to verify: REGISTRY/REPOSITORY[:TAG], docker://..., oci:DIR[:TAG], "
                + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var format = new Option<string>("--format")
        {
            Description = "Output format: table or json.",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json");
        var run = new Option<string?>("--run")
        {
            Description = "A shell command to run in a chroot of the unpacked image after the checks "
                + "(Linux, as root); its exit code becomes drydock's when it fails.",
        };

        var command = new Command("verify", "Check that an image's dpkg database and files agree, like dpkg --verify.")
        {
            image, format, run,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var location = parseResult.GetValue(image)!;
            var options = new VerifyOptions
            {
                Platform = GlobalOptions.GetPlatform(parseResult),
                RunCommand = parseResult.GetValue(run),
            };
            var verifier = new ImageVerifier(context.LoggerFactory.CreateLogger("Drydock.Images.Verify"));
            var transport = GlobalOptions.CreateTransportOptions(parseResult, context);
            var source = ImageTransports.OpenSource(location, transport);
            VerifyReport report;
            await using (source.ConfigureAwait(false))
            {
                report = await verifier.VerifyAsync(source, options, cancellationToken);
            }

            var text = parseResult.GetValue(format) == "json" ? Json(location, report) : Table(report);
            await context.Stdout.WriteAsync(text);
            return ExitCode(report);
        });
        return command;
    }

    internal static int ExitCode(VerifyReport report) =>
        report.Run is { ExitCode: not 0 and var code } ? code
        : report.HasErrors ? ProblemsFound
        : ExitCodes.Success;

    internal static string Table(VerifyReport report)
    {
        var text = new StringBuilder();
        foreach (var problem in report.Problems)
        {
            var subject = string.Join(' ', new[] { problem.Package, problem.Path }.Where(s => s is not null));
            text.AppendLine($"{Kebab(problem.Kind)}  {subject}: {problem.Detail}");
        }

        var errors = report.Problems.Count(p => p.IsError);
        text.AppendLine(
            $"{report.Packages} packages, {report.FilesChecked} files checked: {errors} errors, "
            + $"{report.Problems.Count - errors} conffile notices");
        if (report.Run is { } run)
        {
            text.Append(run.Output);
            text.Append(run.Errors);
            text.AppendLine($"'{run.Command}' exited with {run.ExitCode}");
        }

        return text.ToString();
    }

    internal static string Json(string image, VerifyReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("image", image);
            json.WriteString("manifestDigest", report.ManifestDigest.ToString());
            json.WriteNumber("packages", report.Packages);
            json.WriteNumber("filesChecked", report.FilesChecked);
            json.WriteBoolean("ok", !report.HasErrors);
            json.WriteStartArray("problems");
            foreach (var problem in report.Problems)
            {
                json.WriteStartObject();
                json.WriteString("kind", Kebab(problem.Kind));
                json.WriteBoolean("error", problem.IsError);
                json.WriteString("package", problem.Package);
                json.WriteString("path", problem.Path);
                json.WriteString("detail", problem.Detail);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (report.Run is { } run)
            {
                json.WriteStartObject("run");
                json.WriteString("command", run.Command);
                json.WriteNumber("exitCode", run.ExitCode);
                json.WriteString("stdout", run.Output);
                json.WriteString("stderr", run.Errors);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    // MissingFile -> missing-file, as every value on the command line and in JSON is spelled.
    private static string Kebab(VerifyProblemKind kind)
    {
        var name = kind.ToString();
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
