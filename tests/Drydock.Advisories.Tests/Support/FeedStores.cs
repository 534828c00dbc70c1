using Drydock.Testing;

namespace Drydock.Advisories.Tests.Support;

/// <summary>
/// Stores filled once per test class from the real feed exports, because importing a whole
/// export takes seconds.
/// </summary>
public sealed class DebianOsvStore : IDisposable
{
    private readonly Lazy<TemporaryStore> _store = new(() =>
    {
        var store = new TemporaryStore();
        store.Import(Path.Combine(SharedData.Root!, "debian-osv", "debian-osv-20250212.tar.gz"));
        return store;
    });

    public TemporaryStore Get()
    {
        SharedData.Require("debian-osv/debian-osv-20250212.tar.gz");
        return _store.Value;
    }

    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }
    }
}

public sealed class UbuntuTrackerStore : IDisposable
{
    private readonly Lazy<TemporaryStore> _store = new(() =>
    {
        var store = new TemporaryStore();
        store.Import(Path.Combine(SharedData.Root!, "ubuntu-cve-tracker", "ubuntu-cve-tracker-20240809.tar.gz"));
        return store;
    });

    public TemporaryStore Get()
    {
        SharedData.Require("ubuntu-cve-tracker/ubuntu-cve-tracker-20240809.tar.gz");
        return _store.Value;
    }

    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }
    }
}

public sealed class AlpineSecdbStore : IDisposable
{
    private readonly Lazy<TemporaryStore> _store = new(() =>
    {
        var store = new TemporaryStore();
        store.Import(Path.Combine(SharedData.Root!, "alpine-secdb"));
        return store;
    });

    public TemporaryStore Get()
    {
        SharedData.Require("alpine-secdb/3.18/main.json");
        return _store.Value;
    }

    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }
    }
}
