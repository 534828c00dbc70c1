using Drydock.Advisories.Import;
using Drydock.Advisories.Store;
using Drydock.Advisories.Tests.Support;
using Drydock.Testing;

namespace Drydock.Advisories.Tests.Store;

public sealed class AdvisoryStoreTests
{
    [Fact]
    public void Open_CreatesLatestSchema()
    {
        using var store = new TemporaryStore();

        Assert.Equal(SchemaMigrator.LatestVersion, SchemaMigrator.CurrentVersion(store.Store.Connection));
        Assert.Equal(0, store.Count("SELECT COUNT(*) FROM affected"));
    }

    [Fact]
    public void Open_KeepsDataOnReopen()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("alpine-secdb/3.18/main.json"));
        var rows = store.Count("SELECT COUNT(*) FROM affected");

        store.Reopen();

        Assert.Equal(rows, store.Count("SELECT COUNT(*) FROM affected"));
        Assert.Equal(1, store.Count("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public void Open_RejectsNewerSchema()
    {
        using var store = new TemporaryStore();
        AdvisoryStore.Execute(store.Store.Connection, "UPDATE schema_version SET version = 999");
        store.Store.Dispose();

        var error = Assert.Throws<InvalidDataException>(() => AdvisoryStore.Open(store.Path).Dispose());

        Assert.Contains("999", error.Message);
    }

    [Fact]
    public void Open_RejectsNonDatabaseFile()
    {
        using var store = new TemporaryStore();
        var path = Path.Combine(store.Folder, "not-a-db");
        File.WriteAllText(path, new string('x', 4096));

        var error = Assert.Throws<IOException>(() => AdvisoryStore.Open(path).Dispose());

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Migrations_UsePortableSql()
    {
        var assembly = typeof(AdvisoryStore).Assembly;
        var scripts = assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(scripts);
        foreach (var name in scripts)
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var sql = reader.ReadToEnd().ToUpperInvariant();
            Assert.DoesNotContain("AUTOINCREMENT", sql);
            Assert.DoesNotContain("WITHOUT ROWID", sql);
            Assert.DoesNotContain("PRAGMA", sql);
            Assert.DoesNotContain("INSERT OR ", sql);
        }
    }

    [Fact]
    public void Import_ReplacesWholeSource()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("alpine-secdb/3.16/main.json"));

        store.Import(SharedData.Require("alpine-secdb/3.18/main.json"));

        Assert.Equal(0, store.Count("SELECT COUNT(*) FROM affected WHERE namespace = 'alpine:3.16'"));
        Assert.True(store.Count("SELECT COUNT(*) FROM affected WHERE namespace = 'alpine:3.18'") > 1000);
        var status = Assert.Single(store.Store.GetStatus());
        Assert.Equal(["alpine:3.18"], status.Namespaces);
    }

    [Fact]
    public void Import_MissingInputLeavesPreviousData()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("alpine-secdb/3.16/main.json"));
        var before = store.Count("SELECT COUNT(*) FROM affected");
        var missing = Path.Combine(store.Folder, "missing.json");

        var error = Assert.Throws<FileNotFoundException>(
            () => store.Import(SharedData.Require("alpine-secdb/3.18/main.json"), missing));

        Assert.Contains(missing, error.Message);
        Assert.Equal(before, store.Count("SELECT COUNT(*) FROM affected"));
        Assert.Equal(0, store.Count("SELECT COUNT(*) FROM affected WHERE namespace = 'alpine:3.18'"));
    }

    [Fact]
    public void Import_TruncatedArchiveLeavesPreviousData()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("alpine-secdb/3.16/main.json"));
        var before = store.Count("SELECT COUNT(*) FROM affected");
        var truncated = Path.Combine(store.Folder, "debian-osv-truncated.tar.gz");
        using (var source = File.OpenRead(SharedData.Require("debian-osv/debian-osv-20250212.tar.gz")))
        using (var target = File.Create(truncated))
        {
            var buffer = new byte[2_000_000];
            source.ReadExactly(buffer);
            target.Write(buffer);
        }

        var error = Assert.Throws<InvalidDataException>(() => store.Import(truncated));

        Assert.Contains(truncated, error.Message);
        Assert.Equal(before, store.Count("SELECT COUNT(*) FROM affected"));
        Assert.Equal(["alpine-secdb"], store.Store.GetStatus().Select(s => s.Name));
    }

    [Fact]
    public void Import_CancelledLeavesPreviousData()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("alpine-secdb/3.16/main.json"));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => new AdvisoryImporter(store.Store)
            .Import([SharedData.Require("alpine-secdb/3.18")], cancellation.Token));

        Assert.Equal(["alpine:3.16"], Assert.Single(store.Store.GetStatus()).Namespaces);
    }

    [Fact]
    public void Status_ReportsCountsAndNewestDate()
    {
        using var store = new TemporaryStore();
        store.Import(SharedData.Require("debian-osv/sample"));

        var status = Assert.Single(store.Store.GetStatus());

        Assert.Equal("debian-osv", status.Name);
        Assert.Equal("osv", status.Kind);
        Assert.Equal(store.Count("SELECT COUNT(*) FROM affected"), status.RecordCount);
        // DSA-5865-1 is the newest sample record, published 2025-02-12.
        Assert.Equal(new DateTimeOffset(2025, 2, 12, 0, 0, 0, TimeSpan.Zero), status.NewestAdvisory);
        Assert.Contains("debian:12", status.Namespaces);
        Assert.Equal(TimeSpan.FromDays(1), status.Age(new DateTimeOffset(2025, 2, 13, 0, 0, 0, TimeSpan.Zero)));
    }
}
