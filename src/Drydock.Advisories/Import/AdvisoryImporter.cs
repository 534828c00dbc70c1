using System.Text.Json;
using Drydock.Advisories.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Advisories.Import;

/// <summary>
/// Imports feed files, folders and archives into the store, recognising each JSON entry's
/// format by its shape. One call is one transaction: every source it touches is replaced
/// as a whole when it succeeds, and nothing changes when it fails or is cancelled.
/// </summary>
public sealed partial class AdvisoryImporter(AdvisoryStore store, ILogger? logger = null, TimeProvider? clock = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Imports every feed entry found under <paramref name="paths"/>.</summary>
    /// <exception cref="FileNotFoundException">A path does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// An archive is corrupt or truncated, or an input path contains no entry of a known feed format.
    /// </exception>
    public ImportResult Import(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        var result = new ImportResult();
        using var writer = new StoreWriter(store);
        foreach (var path in paths)
        {
            var input = new InputState(FeedDetector.FamilyHint(path));
            FeedInputs.ForEachEntry(
                path,
                (location, stream) =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    ImportEntry(writer, result, input, location, stream, cancellationToken);
                },
                location =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    input.Problem ??= $"'{location}' is not a .json file";
                    result.SkippedEntries++;
                    LogSkipped(location);
                });
            CheckRecognised(path, input);
        }

        cancellationToken.ThrowIfCancellationRequested();

        writer.Commit(_clock.GetUtcNow());
        result.RecordsBySource = writer.Sources.ToDictionary(pair => pair.Key, pair => pair.Value.RecordCount);
        foreach (var (source, count) in result.RecordsBySource)
        {
            LogImported(source, count);
        }

        return result;
    }

    private void ImportEntry(
        StoreWriter writer, ImportResult result, InputState input, string location, Stream stream,
        CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException exception)
        {
            input.Problem ??= $"'{location}' is not valid JSON ({exception.Message})";
            result.AddMalformed(new MalformedRecord(location, Path.GetFileName(location), $"Invalid JSON: {exception.Message}"));
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var kind = FeedDetector.Detect(root);
            if (kind is FeedKind.Unknown)
            {
                input.Problem ??= $"'{location}' is JSON of no known feed format";
                result.SkippedEntries++;
                LogSkipped(location);
                return;
            }

            input.RecognisedEntries++;
            var source = FeedDetector.SourceName(kind, root, input);
            var sink = new ImportSink(
                writer, result, source, FeedDetector.KindName(kind), location, cancellationToken);
            try
            {
                Parse(kind, root, sink, input);
            }
            catch (InvalidOperationException exception)
            {
                // JsonElement throws InvalidOperationException when a value has the wrong JSON
                // type; the record is malformed, the feed goes on.
                sink.Malformed(Path.GetFileName(location), $"Unexpected JSON structure: {exception.Message}");
            }
        }
    }

    // A feed that is one JSON document (the Debian tracker file) and fails to parse is a failed
    // feed, not one malformed record: an input with no usable entry fails the whole import.
    private static void CheckRecognised(string path, InputState input)
    {
        if (input.RecognisedEntries == 0)
        {
            throw new InvalidDataException(
                $"The feed input '{path}' contains no advisory feed: {input.Problem ?? "it has no files"}. "
                + "Pass Debian, Ubuntu, Alpine, OSV or Red Hat CSAF feed files, or download them again.");
        }
    }

    private static void Parse(FeedKind kind, JsonElement root, ImportSink sink, InputState input)
    {
        switch (kind)
        {
            case FeedKind.Osv:
                OsvParser.Parse(root, sink, input.OsvFamily!.Value);
                break;
            case FeedKind.DebianTracker:
                DebianTrackerParser.Parse(root, sink);
                break;
            case FeedKind.AlpineSecdb:
                AlpineSecdbParser.Parse(root, sink);
                break;
            case FeedKind.UbuntuTracker:
                UbuntuTrackerParser.Parse(root, sink);
                break;
            case FeedKind.RedHatCsaf:
                RedHatCsafParser.Parse(root, sink);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped feed entry {Location}: not a known feed format")]
    private partial void LogSkipped(string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Count} package statements into source {Source}")]
    private partial void LogImported(string source, long count);
}

/// <summary>What the importer remembers across the entries of one input path.</summary>
internal sealed class InputState(DistributionFamily? osvFamily)
{
    /// <summary>
    /// The distribution whose entries an OSV input holds, from the input's name or else its
    /// first record. Per-CVE OSV records list several distributions (osv.dev merges Debian,
    /// Alpine and upstream ranges), so each OSV input keeps only its own distribution's.
    /// </summary>
    public DistributionFamily? OsvFamily { get; set; } = osvFamily;

    /// <summary>The entries of a known feed format seen so far.</summary>
    public int RecognisedEntries { get; set; }

    /// <summary>Why the first unusable entry was not imported, for the error when none was.</summary>
    public string? Problem { get; set; }
}
