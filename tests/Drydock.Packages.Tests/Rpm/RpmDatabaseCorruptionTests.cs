using System.Buffers.Binary;
using Drydock.Packages.Inventory;
using Drydock.Packages.Tests.Inventory;
using Drydock.Testing;

namespace Drydock.Packages.Tests.Rpm;

/// <summary>Damaged copies of the real rpm databases: each is an error naming the file, never a crash.</summary>
public sealed class RpmDatabaseCorruptionTests
{
    private const string BerkeleyPath = "/var/lib/rpm/Packages";
    private const string NdbPath = "/usr/lib/sysimage/rpm/Packages.db";
    private const string SqlitePath = "/var/lib/rpm/rpmdb.sqlite";

    [Theory]
    [InlineData(BerkeleyPath)]
    [InlineData(NdbPath)]
    [InlineData(SqlitePath)]
    public void EmptyFile_IsInvalidData(string path)
    {
        using var root = new TemporaryRoot().Write(path, []);

        var error = Assert.Throws<InvalidDataException>(() => PackageInventory.Read(root.FileSystem));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rhel8-libuuid.Packages", BerkeleyPath, 4096 * 10)]
    [InlineData("rhel8-libuuid.Packages", BerkeleyPath, 300)]
    [InlineData("sle15-bci.Packages.db", NdbPath, 4096 * 20)]
    [InlineData("sle15-bci.Packages.db", NdbPath, 20)]
    [InlineData("cbl-mariner-2.0.rpmdb.sqlite", SqlitePath, 4096 * 3)]
    public void TruncatedFile_IsInvalidData(string fixture, string path, int length)
    {
        var bytes = Fixture(fixture)[..length];
        using var root = new TemporaryRoot().Write(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => PackageInventory.Read(root.FileSystem));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad magic", 12, 0x12345678u)]
    [InlineData("page size not a power of two", 20, 3000u)]
    [InlineData("page size too large", 20, 1u << 20)]
    [InlineData("last page past the file", 32, 4000u)]
    [InlineData("unsupported version", 16, 2u)]
    public void BerkeleyMetadata_Damaged(string name, int offset, uint value)
    {
        _ = name;
        var bytes = Fixture("syft-redhat.Packages");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);

        Assert.Throws<InvalidDataException>(() => Read(bytes, BerkeleyPath));
    }

    [Theory]
    [InlineData("encrypted", 24, 1)]
    [InlineData("not a hash metadata page", 25, 9)]
    public void BerkeleyMetadataByte_Damaged(string name, int offset, byte value)
    {
        _ = name;
        var bytes = Fixture("syft-redhat.Packages");
        bytes[offset] = value;

        Assert.Throws<InvalidDataException>(() => Read(bytes, BerkeleyPath));
    }

    [Theory]
    [InlineData("odd entry count", 20, 3)]
    [InlineData("entries past the page", 20, 4000)]
    [InlineData("item offset inside the header", 26, 4)]
    public void BerkeleyHashPage_Damaged(string name, int offset, int value)
    {
        _ = name;
        var bytes = Fixture("syft-redhat.Packages");
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((2 * 4096) + offset), (ushort)value);

        Assert.Throws<InvalidDataException>(() => Read(bytes, BerkeleyPath));
    }

    [Theory]
    [InlineData("overflow page number past the file", 4, 99u)]
    [InlineData("overflow page number zero", 4, 0u)]
    [InlineData("overflow length past the chain", 8, 100_000u)]
    [InlineData("overflow length past the limit", 8, 0x7fffffffu)]
    public void BerkeleyOffPageItem_Damaged(string name, int field, uint value)
    {
        _ = name;
        var bytes = Fixture("syft-redhat.Packages");
        var page = bytes.AsSpan(2 * 4096, 4096);
        var item = BinaryPrimitives.ReadUInt16LittleEndian(page[28..]);
        BinaryPrimitives.WriteUInt32LittleEndian(page[(item + field)..], value);

        Assert.Throws<InvalidDataException>(() => Read(bytes, BerkeleyPath));
    }

    [Fact]
    public void BerkeleyOverflowChain_Loop()
    {
        var bytes = Fixture("rhel8-libuuid.Packages");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((5 * 4096) + 16), 3);

        Assert.Throws<InvalidDataException>(() => Read(bytes, BerkeleyPath));
    }

    [Fact]
    public void BerkeleyBigEndian_ReadsAsLittleEndian()
    {
        var bytes = Fixture("rhel8-libuuid.Packages");
        var swapped = SwapBerkeleyByteOrder(bytes);

        var little = Assert.Single(Read(bytes, BerkeleyPath).Packages);
        var big = Assert.Single(Read(swapped, BerkeleyPath).Packages);

        Assert.Equal(little with { Rpm = null }, big with { Rpm = null });
        Assert.Equal(little.Rpm, big.Rpm);
    }

    [Fact]
    public void BerkeleyHeaderDamaged_ReportedAsRecord()
    {
        var bytes = Fixture("syft-redhat.Packages");

        // The header's entry count is the first word on the overflow page.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan((3 * 4096) + 26), 0x7fffffff);
        var result = Read(bytes, BerkeleyPath);

        Assert.Empty(result.Packages);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(BerkeleyPath, diagnostic.File);
        Assert.Equal(1, diagnostic.Line);
    }

    [Theory]
    [InlineData("bad file magic", 0, 0x11111111u)]
    [InlineData("unknown version", 4, 1u)]
    [InlineData("zero slot pages", 12, 0u)]
    [InlineData("slot pages past the file", 12, 100_000u)]
    [InlineData("bad slot magic", 48, 0u)]
    [InlineData("blob offset past the file", 40, 0x0fffffffu)]
    [InlineData("blob offset inside the slots", 40, 2u)]
    [InlineData("blob count too small", 44, 1u)]
    [InlineData("blob owner differs", 36, 7u)]
    [InlineData("package number zero", 36, 0u)]
    public void Ndb_Damaged(string name, int offset, uint value)
    {
        _ = name;
        var bytes = Fixture("sle15-bci.Packages.db");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);

        var error = Assert.Throws<InvalidDataException>(() => Read(bytes, NdbPath));

        Assert.Contains(NdbPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NdbBlobLength_PastBlocks()
    {
        var bytes = Fixture("sle15-bci.Packages.db");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x1000 + 12), 0x0fffffff);

        Assert.Throws<InvalidDataException>(() => Read(bytes, NdbPath));
    }

    [Fact]
    public void Sqlite_NotADatabase()
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(new string('x', 8192));

        var error = Assert.Throws<InvalidDataException>(() => Read(bytes, SqlitePath));

        Assert.Contains(SqlitePath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_WithoutPackagesTable()
    {
        using var root = new TemporaryRoot();
        Directory.CreateDirectory(root.Host("/var/lib/rpm"));
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={root.Host(SqlitePath)};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE Other(x)";
            command.ExecuteNonQuery();
        }

        Assert.Throws<InvalidDataException>(() => PackageInventory.Read(root.FileSystem));
    }

    [Theory]
    [InlineData("rhel8-libuuid.Packages", BerkeleyPath)]
    [InlineData("sle15-bci.Packages.db", NdbPath)]
    public void FlippedBytes_OnlyInvalidData(string fixture, string path)
    {
        var original = Fixture(fixture);
        var random = new Random(42);
        using var root = new TemporaryRoot();

        for (var round = 0; round < 200; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = 0; flips < 8; flips++)
            {
                // Damage the structure, not only header text: half the flips land in the first pages.
                var limit = flips % 2 == 0 ? Math.Min(bytes.Length, 3 * 4096) : bytes.Length;
                bytes[random.Next(limit)] ^= (byte)(1 << random.Next(8));
            }

            root.Write(path, bytes);
            try
            {
                PackageInventory.Read(root.FileSystem, new PackageInventoryOptions { IncludeFiles = true });
            }
            catch (InvalidDataException error)
            {
                Assert.Contains(path, error.Message, StringComparison.Ordinal);
            }
        }
    }

    private static PackageInventoryResult Read(byte[] bytes, string path)
    {
        using var root = new TemporaryRoot().Write(path, bytes);
        return PackageInventory.Read(root.FileSystem);
    }

    private static byte[] Fixture(string name) =>
        File.ReadAllBytes(SharedData.Require("pkgdb-fixtures/rpm/" + name));

    /// <summary>Rewrites a little-endian Berkeley DB hash file as a big-endian machine writes it.</summary>
    private static byte[] SwapBerkeleyByteOrder(byte[] source)
    {
        var bytes = (byte[])source.Clone();
        const int pageSize = 4096;
        foreach (var offset in new[] { 8, 12, 16, 20, 32 })
        {
            Swap32(bytes, offset);
        }

        for (var page = pageSize; page < bytes.Length; page += pageSize)
        {
            var entries = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(page + 20));
            var type = bytes[page + 25];
            if (type == 13)
            {
                for (var i = 0; i < entries; i++)
                {
                    var item = page + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(page + 26 + (i * 2)));
                    if (bytes[item] == 1 && i % 2 == 0)
                    {
                        Swap32(bytes, item + 1);
                    }
                    else if (bytes[item] == 3)
                    {
                        Swap32(bytes, item + 4);
                        Swap32(bytes, item + 8);
                    }

                    Swap16(bytes, page + 26 + (i * 2));
                }
            }

            foreach (var offset in new[] { 8, 12, 16 })
            {
                Swap32(bytes, page + offset);
            }

            Swap16(bytes, page + 20);
            Swap16(bytes, page + 22);
        }

        return bytes;
    }

    private static void Swap32(byte[] bytes, int offset) => bytes.AsSpan(offset, 4).Reverse();

    private static void Swap16(byte[] bytes, int offset) => bytes.AsSpan(offset, 2).Reverse();
}
