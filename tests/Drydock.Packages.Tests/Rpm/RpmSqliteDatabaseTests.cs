using Drydock.Packages.Inventory;
using Drydock.Packages.Rpm;
using Drydock.Packages.Tests.Inventory;
using Microsoft.Data.Sqlite;

namespace Drydock.Packages.Tests.Rpm;

public sealed class RpmSqliteDatabaseTests
{
    private const string Path = "/usr/lib/sysimage/rpm/rpmdb.sqlite";

    [Fact]
    public void GpgPubkey_ListedAsRpmQaDoes()
    {
        using var root = Database(
            RpmHeaderBuilder.Package("bash", "5.1.8", "6.el9").String(RpmTag.Arch, "x86_64").Build(),
            RpmHeaderBuilder.Package("gpg-pubkey", "fd431d51", "4ae0493b")
                .String(RpmTag.Summary, "Red Hat, Inc. (release key 2) <security@redhat.com> public key").Build());

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal(["bash 5.1.8-6.el9", "gpg-pubkey fd431d51-4ae0493b"],
            result.Packages.Select(p => $"{p.Name} {p.Version}"));
        Assert.Null(result.Packages[1].Architecture);
    }

    [Fact]
    public void DamagedHeader_ReportedWithPackageNumber()
    {
        var damaged = RpmHeaderBuilder.Package("bad", "1", "1").Build();
        damaged[3] = 200;
        using var root = Database(RpmHeaderBuilder.Package("good", "1", "1").Build(), damaged, []);

        var result = PackageInventory.Read(root.FileSystem);

        Assert.Equal(["good"], result.Packages.Select(p => p.Name));
        Assert.Equal([2, 3], result.Diagnostics.Select(d => d.Line));
        Assert.All(result.Diagnostics, diagnostic => Assert.Equal(Path, diagnostic.File));
    }

    [Fact]
    public void DatabaseFile_NotModified()
    {
        using var root = Database(RpmHeaderBuilder.Package("bash", "5.1.8", "6.el9").Build());
        var before = File.ReadAllBytes(root.Host(Path));
        var directory = System.IO.Path.GetDirectoryName(root.Host(Path))!;

        PackageInventory.Read(root.FileSystem);

        Assert.Equal(before, File.ReadAllBytes(root.Host(Path)));
        Assert.Equal(["rpmdb.sqlite"], Directory.GetFiles(directory).Select(System.IO.Path.GetFileName));
    }

    private static TemporaryRoot Database(params byte[][] blobs)
    {
        var root = new TemporaryRoot();
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(root.Host(Path))!);
        using var connection = new SqliteConnection($"Data Source={root.Host(Path)};Pooling=false");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)";
        create.ExecuteNonQuery();
        foreach (var blob in blobs)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO Packages (blob) VALUES ($blob)";
            insert.Parameters.AddWithValue("$blob", blob);
            insert.ExecuteNonQuery();
        }

        return root;
    }
}
