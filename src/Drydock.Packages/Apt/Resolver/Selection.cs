using Drydock.Packages.Apt.Indexes;

namespace Drydock.Packages.Apt.Resolver;

/// <summary>
/// The package set being built by the resolver: one record per name and architecture, with
/// indexes by name and by provided name, and an undo log so a failed attempt rolls back.
/// </summary>
internal sealed class Selection
{
    private readonly Dictionary<(string, string), PackageRecord> _selected = [];
    private readonly Dictionary<string, List<PackageRecord>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PackageRecord>> _byProvide = new(StringComparer.Ordinal);
    private readonly List<((string, string) Key, PackageRecord? Previous)> _undo = [];
    private readonly Func<PackageRecord, string> _archKey;

    public Selection(Func<PackageRecord, string> archKey)
    {
        _archKey = archKey;
    }

    public IReadOnlyDictionary<(string Name, string Arch), PackageRecord> All => _selected;

    public int Savepoint => _undo.Count;

    public PackageRecord? Get(string name, string arch) => _selected.GetValueOrDefault((name, arch));

    public IReadOnlyList<PackageRecord> WithName(string name) => _byName.TryGetValue(name, out var l) ? l : [];

    public IReadOnlyList<PackageRecord> Providing(string name) => _byProvide.TryGetValue(name, out var l) ? l : [];

    public void Set(PackageRecord record)
    {
        var key = (record.Name, _archKey(record));
        var previous = _selected.GetValueOrDefault(key);
        _undo.Add((key, previous));
        Replace(key, previous, record);
    }

    public void Rollback(int savepoint)
    {
        for (var i = _undo.Count - 1; i >= savepoint; i--)
        {
            var (key, previous) = _undo[i];
            Replace(key, _selected.GetValueOrDefault(key), previous);
        }

        _undo.RemoveRange(savepoint, _undo.Count - savepoint);
    }

    private void Replace((string, string) key, PackageRecord? old, PackageRecord? record)
    {
        if (old is not null)
        {
            _byName[old.Name].Remove(old);
            foreach (var provided in old.Provides)
            {
                _byProvide[provided.Name].Remove(old);
            }
        }

        if (record is null)
        {
            _selected.Remove(key);
            return;
        }

        _selected[key] = record;
        Add(_byName, record.Name, record);
        foreach (var provided in record.Provides)
        {
            Add(_byProvide, provided.Name, record);
        }
    }

    private static void Add(Dictionary<string, List<PackageRecord>> map, string key, PackageRecord record)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(record);
    }
}
