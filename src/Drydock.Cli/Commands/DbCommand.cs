using System.CommandLine;
using System.Globalization;
using Drydock.Advisories;
using Drydock.Advisories.Import;
using Drydock.Advisories.Store;
using Drydock.Advisories.Update;
using Drydock.Oci.Net;

namespace Drydock.Cli.Commands;

/// <summary>
/// <c>drydock db import|update|status</c>: fills and inspects the advisory store that scans
/// match against.
/// </summary>
internal static class DbCommand
{
    /// <summary>At most this many malformed records are printed; the rest are counted.</summary>
    private const int PrintedMalformed = 20;

    public static Command Create()
    {
        var database = new Option<string?>("--db")
        {
            Description = "The advisory database file (default: advisories.db in the cache directory; see --cache-dir).",
            Recursive = true,
        };
        var command = new Command("db", "Import, update and inspect the advisory database.")
        {
            database, CreateImport(database), CreateUpdate(database), CreateStatus(database),
        };
        return command;
    }

    private static Command CreateImport(Option<string?> database)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Feed files, folders, or .tar.gz, .tar and .zip archives of them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("import", "Import advisory feeds from files; each source is replaced whole.")
        {
            paths,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            using var store = AdvisoryStore.Open(GlobalOptions.GetAdvisoryDatabase(parseResult, database));
            var importer = new AdvisoryImporter(store, context.LoggerFactory.CreateLogger("drydock.db"));
            // Run off the invoking thread: the import is synchronous, and System.CommandLine can
            // only cancel an action that has handed back its task before the signal arrives.
            var result = await Task.Run(
                () => importer.Import(parseResult.GetValue(paths)!, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            await PrintImportAsync(context, store, result).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateUpdate(Option<string?> database)
    {
        var feeds = new Option<string?>("--feeds")
        {
            Description = "A feed list: one 'FILE-NAME URL' a line (default: $XDG_CONFIG_HOME/drydock/feeds.list, "
                + "else ~/.config/drydock/feeds.list; with neither a list nor --feed, the official feeds of Debian, Ubuntu "
                + "and Alpine).",
        };
        var feed = new Option<string[]>("--feed")
        {
            Description = "A feed as FILE-NAME=URL; replaces the list's feed of that file name or adds one. "
                + "Repeat for several feeds.",
        };
        var command = new Command(
            "update", "Download the listed feeds when they changed (ETag, If-Modified-Since) and import them.")
        {
            feeds, feed,
        };
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            var list = await ReadFeedsAsync(parseResult.GetValue(feeds),
                parseResult.GetValue(feed) ?? [], cancellationToken).ConfigureAwait(false);
            using var store = AdvisoryStore.Open(GlobalOptions.GetAdvisoryDatabase(parseResult, database));
            var downloads = Path.Combine(Path.GetDirectoryName(store.Path)!, "feeds");
            using var http = GuardedHttp.Create(TimeSpan.FromMinutes(10));
            var updater = new AdvisoryUpdater(store, http, downloads, context.LoggerFactory.CreateLogger("drydock.db"));
            var result = await updater.UpdateAsync(list, cancellationToken).ConfigureAwait(false);
            if (result.Import is null)
            {
                await context.Stdout.WriteLineAsync($"All {list.Count} feeds are unchanged.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            await context.Stdout.WriteLineAsync($"{result.Changed.Count} of {list.Count} feeds changed.")
                .ConfigureAwait(false);
            await PrintImportAsync(context, store, result.Import).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    // The list comes from --feeds, else from the user's config file; --feed entries override
    // it. With neither a list nor --feed, the official feeds shipped with Drydock are used.
    private static async Task<IReadOnlyList<FeedDefinition>> ReadFeedsAsync(string? listPath, string[] options,
        CancellationToken cancellationToken)
    {
        var overrides = options.Select(FeedDefinition.ParseOption).ToList();
        var path = listPath ?? FeedDefinition.DefaultListPath;
        IReadOnlyList<FeedDefinition> list = [];
        if (listPath is not null || File.Exists(path))
        {
            list = FeedDefinition.ParseList(
                await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
        }
        else if (overrides.Count == 0)
        {
            list = FeedDefinition.Official;
        }

        var result = FeedDefinition.Override(list, overrides);
        return result.Count > 0 ? result : throw new ArgumentException(
            $"No feeds to update: the feed list '{path}' is empty and no --feed was given. Add feeds to it, "
            + "or pass --feed FILE-NAME=URL.");
    }

    private static Command CreateStatus(Option<string?> database)
    {
        var command = new Command("status", "List the imported sources, their record counts, newest advisory and age.");
        CommandRunner.SetAction(command, async (parseResult, context, cancellationToken) =>
        {
            using var store = AdvisoryStore.Open(GlobalOptions.GetAdvisoryDatabase(parseResult, database));
            var sources = store.GetStatus();
            await context.Stdout.WriteLineAsync($"Database: {store.Path}").ConfigureAwait(false);
            if (sources.Count == 0)
            {
                await context.Stdout.WriteLineAsync("No sources imported. Run 'drydock db import PATH...'.")
                    .ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var now = DateTimeOffset.UtcNow;
            await context.Stdout.WriteLineAsync("SOURCE\tRECORDS\tMALFORMED\tNEWEST\tAGE-DAYS\tIMPORTED\tNAMESPACES")
                .ConfigureAwait(false);
            foreach (var source in sources)
            {
                await context.Stdout.WriteLineAsync(string.Join('\t',
                    source.Name,
                    source.RecordCount,
                    source.MalformedCount,
                    source.NewestAdvisory?.ToString("yyyy-MM-dd") ?? "-",
                    source.Age(now) is { } age ? ((int)age.TotalDays).ToString(CultureInfo.InvariantCulture) : "-",
                    source.ImportedAt.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                    string.Join(',', source.Namespaces))).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task PrintImportAsync(CliContext context, AdvisoryStore store, ImportResult result)
    {
        foreach (var (source, count) in result.RecordsBySource.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            await context.Stdout.WriteLineAsync($"Imported {count} records into {source}.").ConfigureAwait(false);
        }

        foreach (var record in result.Malformed.Take(PrintedMalformed))
        {
            await context.Stderr.WriteLineAsync($"drydock: malformed record {record.Id} in {record.Location}: "
                + record.Problem).ConfigureAwait(false);
        }

        if (result.MalformedCount > 0)
        {
            await context.Stderr.WriteLineAsync(
                $"drydock: {result.MalformedCount} malformed records skipped; the others were imported into "
                + $"{store.Path}.").ConfigureAwait(false);
        }
    }
}
