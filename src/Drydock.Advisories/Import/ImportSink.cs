using Drydock.Advisories.Matching;
using Drydock.Advisories.Store;

namespace Drydock.Advisories.Import;

/// <summary>
/// Receives what a feed parser reads from one entry: checks each fixed and introduced version
/// against the release's version rules, writes good records and reports bad ones with their
/// id and location. Checks for cancellation on every record, so a feed that is one large
/// document (the Debian tracker file) stops soon after Ctrl-C.
/// </summary>
internal sealed class ImportSink(
    StoreWriter writer, ImportResult result, string source, string kind, string location,
    CancellationToken cancellationToken)
{
    public string Source { get; } = source;

    public void Add(AffectedRecord record)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rules = VersionRules.For(record.Namespace.Family);
        foreach (var version in new[] { record.FixedVersion, record.Introduced })
        {
            if (version is not null && !rules.IsValid(version))
            {
                Malformed(
                    record.Advisory.Length > 0 ? record.Advisory : record.Vulnerability,
                    $"The version '{version}' of package '{record.Package}' in '{record.Namespace}' "
                    + $"is invalid under {rules.Name} version rules.");
                return;
            }
        }

        writer.Add(Source, kind, record);
    }

    public void Namespace(AdvisoryNamespace ns) => writer.AddNamespace(Source, kind, ns);

    public void Date(string? date) => writer.ObserveDate(Source, kind, date);

    public void Malformed(string id, string problem)
    {
        writer.AddMalformed(Source, kind);
        result.AddMalformed(new MalformedRecord(location, id, problem));
    }
}
