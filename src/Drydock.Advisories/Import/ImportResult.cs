namespace Drydock.Advisories;

/// <summary>What one <c>db import</c> wrote and what it skipped.</summary>
public sealed class ImportResult
{
    /// <summary>At most this many malformed records are kept with their ids; all are counted.</summary>
    public const int MaxListedMalformed = 1000;

    private readonly List<MalformedRecord> _malformed = [];

    /// <summary>The sources the import replaced, with the package statements each now holds.</summary>
    public IReadOnlyDictionary<string, long> RecordsBySource { get; internal set; } =
        new Dictionary<string, long>();

    /// <summary>The first <see cref="MaxListedMalformed"/> malformed records.</summary>
    public IReadOnlyList<MalformedRecord> Malformed => _malformed;

    /// <summary>All malformed records, listed or not.</summary>
    public long MalformedCount { get; private set; }

    /// <summary>Entries that were not JSON or not a known feed format.</summary>
    public long SkippedEntries { get; internal set; }

    internal void AddMalformed(MalformedRecord record)
    {
        MalformedCount++;
        if (_malformed.Count < MaxListedMalformed)
        {
            _malformed.Add(record);
        }
    }
}

/// <summary>A feed record the import skipped because it broke the feed's rules.</summary>
/// <param name="Location">The file, or archive and entry, the record came from.</param>
/// <param name="Id">The record's advisory or vulnerability id.</param>
/// <param name="Problem">What is wrong, with the offending value.</param>
public sealed record MalformedRecord(string Location, string Id, string Problem);
