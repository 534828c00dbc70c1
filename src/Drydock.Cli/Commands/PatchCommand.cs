using System.CommandLine;
using System.Globalization;
using Drydock.Advisories.Store;
using Drydock.Images.Inventory;
using Drydock.Images.Patch;
using Drydock.Images.Scan;
using Drydock.Oci.Layers;
using Drydock.Oci.Net;
using Drydock.Oci.References;
using Drydock.Oci.Transports;
using Drydock.Packages.Apt;
using Drydock.Packages.Apt.Sources;
using Drydock.Packages.Apt.Trust;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock patch IMAGE</c>: upgrades the image's Debian packages as apt would and writes the
/// result as one new layer, with no daemon and no maintainer scripts run.
/// </summary>
internal static class PatchCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE")
        {
            Description = "Image to patch: REGISTRY/REPOSITORY[:TAG], docker://..., oci:DIR[:TAG], "
                + "oci-archive:FILE[:TAG] or docker-archive:FILE[:REF].",
        };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the patched image, in the same syntax "
                + "(default: the same repository or layout with the tag TAG-patched).",
        };
        var repos = new Option<string[]>("--repo")
        {
            Description = "An extra repository as a sources.list line, such as "
                + "'deb [signed-by=/path/key.gpg] http://HOST/debian bookworm-security main'. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var keyrings = new Option<string[]>("--keyring")
        {
            Description = "A host keyring file trusted for --repo entries without signed-by. Repeatable.",
        };
        var packages = new Option<string?>("--packages")
        {
            Description = "Upgrade only these installed packages, separated by commas "
                + "(default: every package with a newer candidate).",
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
        var strictScripts = new Option<bool>("--strict-scripts")
        {
            Description = "Fail instead of patching when a new package has maintainer scripts, "
                + "which Drydock does not run.",
        };

        var report = new Option<string?>("--report")
        {
            Description = "Upgrade only the packages of the fixable findings in this drydock scan JSON "
                + "or Trivy JSON report, and list the findings the upgrades do not fix.",
        };
        var onlyFixable = new Option<bool>("--only-fixable-cves")
        {
            Description = "Scan the image against the advisory database first and upgrade only the "
                + "packages with a fixable finding.",
        };
        var database = new Option<string?>("--db")
        {
            Description = "The advisory database for --only-fixable-cves "
                + "(default: advisories.db in the cache directory; see --cache-dir).",
        };
        var vexOutput = new Option<string?>("--vex-output")
        {
            Description = "Write an OpenVEX document of the fixed vulnerabilities to this file "
                + "(default for an oci: output: beside the layout, as DIR.TAG.openvex.json).",
        };
        var sbomOutput = new Option<string?>("--sbom-output")
        {
            Description = "Write a CycloneDX SBOM of the patched image to this file "
                + "(default for an oci: output: beside the layout, as DIR.TAG.cdx.json).",
        };

        var command = new Command("patch", "Upgrade an image's Debian packages as apt and dpkg would, as one new layer.")
        {
            image, output, repos, keyrings, packages, noImageSources, allowImageTrusted, strictScripts, report, onlyFixable, database,
            vexOutput, sbomOutput,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var transport = GlobalOptions.CreateTransportOptions(parseResult, context);
            var location = parseResult.GetValue(image)!;
            var explicitOutput = parseResult.GetValue(output);
            var target = explicitOutput ?? DefaultOutput(location);
            if (parseResult.GetValue(report) is not null && parseResult.GetValue(onlyFixable))
            {
                throw new ArgumentException("Give --report or --only-fixable-cves, not both.");
            }

            var targets = parseResult.GetValue(report) is { } reportPath ? PatchTargets.ReadReport(reportPath)
                : parseResult.GetValue(onlyFixable)
                    ? await ScanTargetsAsync(location, transport, parseResult,
                        GlobalOptions.GetAdvisoryDatabase(parseResult, database), context, cancellationToken)
                    : null;
            var options = new PatchOptions
            {
                Targets = targets,
                Packages = parseResult.GetValue(packages)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                UseImageSources = !parseResult.GetValue(noImageSources),
                ExtraSources = [.. (parseResult.GetValue(repos) ?? []).Select(line => SourcesListParser.ParseLine(line))],
                ExtraKeyrings = [.. (parseResult.GetValue(keyrings) ?? []).Select(LoadKeyring)],
                StrictScripts = parseResult.GetValue(strictScripts),
                Timestamp = SourceDateEpoch(),
                CopyWhenNothingToPatch = explicitOutput is not null,
                Platform = GlobalOptions.GetPlatform(parseResult),
                CacheRoot = GlobalOptions.GetCacheDirectory(parseResult),
                Apt = new AptOptions { AllowRootTrustedSources = parseResult.GetValue(allowImageTrusted) },
            };

            using var http = GuardedHttp.Create();
            var patcher = new ImagePatcher(http, context.LoggerFactory.CreateLogger("Drydock.Images.Patch"));
            PatchResult result;
            var destinationName = target;
            var transaction = new PatchTransaction(target);
            var outputs = new PatchOutputs(target, parseResult.GetValue(vexOutput), parseResult.GetValue(sbomOutput));
            try
            {
                var from = ImageTransports.OpenSource(location, transport);
                await using (from.ConfigureAwait(false))
                {
                    var to = transaction.Wrap(ImageTransports.OpenDestination(target, transport));
                    await using (to.ConfigureAwait(false))
                    {
                        destinationName = to.Name;
                        result = await patcher.PatchAsync(from, to, options, cancellationToken);
                        if (result.ManifestDigest is { } digest && !result.NothingToPatch)
                        {
                            await outputs.PrepareAsync(result, transaction.ReadBackLocation(target, digest), transport,
                                GlobalOptions.GetPlatform(parseResult), context, cancellationToken);
                        }

                        // The side files go into place before the tag, so the tag is pushed last.
                        await outputs.PublishAsync(context);
                        await transaction.PublishAsync(cancellationToken);
                    }
                }
            }
            catch
            {
                outputs.Discard();
                transaction.RollBack();
                throw;
            }

            await PrintAsync(context.Stdout, result, destinationName);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The default output: the same repository or layout, tagged <c>TAG-patched</c>.</summary>
    /// <exception cref="ArgumentException">The image is an archive, which has no place for a second tag.</exception>
    public static string DefaultOutput(string location)
    {
        var reference = TransportReference.Parse(location);
        return reference.Kind switch
        {
            TransportKind.Registry => reference.Image!.WithTag((reference.Image.Tag ?? "latest") + "-patched").ToString(),
            TransportKind.OciLayout => $"oci:{reference.Path}:{reference.Tag ?? "latest"}-patched",
            _ => throw new ArgumentException(
                $"The image '{location}' is an archive, so the patched image needs a place: give --output."),
        };
    }

    private static async Task<IReadOnlyList<PatchTarget>> ScanTargetsAsync(
        string location,
        ImageTransportOptions transport,
        ParseResult parseResult,
        string database,
        CliContext context,
        CancellationToken cancellationToken)
    {
        var source = ImageTransports.OpenSource(location, transport);
        await using (source.ConfigureAwait(false))
        {
            var resolved = await ResolvedImage.LoadAsync(source, GlobalOptions.GetPlatform(parseResult), cancellationToken);
            var inventory = await ImageInventory.ReadAsync(
                resolved, context.LoggerFactory.CreateLogger("Drydock.Images"), cancellationToken);
            using var store = AdvisoryStore.Open(database);
            var scan = new ImageScanner(store).Scan(inventory, new ScanFilter { IgnoreUnfixed = true });
            if (!scan.HasData)
            {
                throw new InvalidOperationException(
                    $"The advisory database has no data for the image '{location}', so no finding can say what "
                    + "to patch. Run 'drydock db update' or drop --only-fixable-cves.");
            }

            return PatchTargets.FromScan(scan);
        }
    }

    private static Keyring LoadKeyring(string path)
    {
        using var stream = File.OpenRead(path);
        return Keyring.Load(stream, path);
    }

    // reproducible-builds.org's SOURCE_DATE_EPOCH: seconds since 1970-01-01 UTC.
    private static DateTimeOffset? SourceDateEpoch()
    {
        var text = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new ArgumentException($"SOURCE_DATE_EPOCH is '{text}', which is not a number of seconds.");
    }

    private static async Task PrintAsync(TextWriter stdout, PatchResult result, string destination)
    {
        foreach (var platform in result.Platforms)
        {
            await stdout.WriteLineAsync(platform.Result.NothingToPatch
                ? $"{platform.Platform}: nothing to patch, copied unchanged"
                : $"{platform.Platform}: {platform.Result.Packages.Count} upgrades, {platform.Result.ManifestDigest}");
        }

        if (result.NothingToPatch)
        {
            await stdout.WriteLineAsync(result.ManifestDigest is { } copied
                ? $"nothing to patch; copied {copied} to {destination}"
                : "nothing to patch");
        }

        foreach (var package in result.Packages)
        {
            var cves = package.Cves.Count == 0 ? "" : "  fixes " + string.Join(", ", package.Cves);
            await stdout.WriteLineAsync($"{package}{cves}");
        }

        foreach (var kept in result.KeptBack)
        {
            await stdout.WriteLineAsync(
                $"kept back: {kept.Name} {kept.Installed} (candidate {kept.Candidate}): {string.Join(" -> ", kept.Chain)}");
        }

        foreach (var unreached in result.Unreached)
        {
            var reached = unreached.Reached is { } version ? $", reaches {version}" : "";
            await stdout.WriteLineAsync(
                $"not fixed: {unreached.Target.Vulnerability} in {unreached.Target.Package} "
                + $"(fixed in {unreached.Target.FixedVersion}{reached}): {unreached.Reason}");
        }

        foreach (var file in result.DpkgDistFiles)
        {
            await stdout.WriteLineAsync($"conffile {file} was edited in the image and kept; the new one is {file}.dpkg-dist");
        }

        foreach (var kept in result.KeptDirectories)
        {
            await stdout.WriteLineAsync($"directory kept: {kept}; dpkg keeps a directory where a package ships a symlink");
        }

        if (result.ScriptsReplaced.Count > 0)
        {
            await stdout.WriteLineAsync("regenerated natively: " + string.Join(", ", result.ScriptsReplaced));
        }

        if (result.ScriptsNotRun.Count > 0)
        {
            await stdout.WriteLineAsync("maintainer scripts not run: " + string.Join(", ", result.ScriptsNotRun));
        }

        if (!result.NothingToPatch)
        {
            await stdout.WriteLineAsync($"{result.ManifestDigest} {destination}");
        }
    }
}
