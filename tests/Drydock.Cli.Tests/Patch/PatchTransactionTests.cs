using Drydock.Cli.Commands;

namespace Drydock.Cli.Tests.Patch;

/// <summary>
/// How a failed <c>drydock patch</c> puts an OCI layout output back: a layout the run created
/// goes with the parents it made, an existing one gets its old index.json back.
/// </summary>
public sealed class PatchTransactionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-transaction-").FullName;

    [Fact]
    public void RollBack_RemovesNewLayoutAndParents()
    {
        var layout = Path.Combine(_directory, "new", "parent", "layout");
        var transaction = new PatchTransaction($"oci:{layout}:patched");
        Directory.CreateDirectory(layout);
        File.WriteAllText(Path.Combine(layout, "index.json"), "{}");

        transaction.RollBack();

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void RollBack_RestoresExistingIndex()
    {
        var layout = Path.Combine(_directory, "layout");
        var index = Path.Combine(layout, "index.json");
        Directory.CreateDirectory(layout);
        File.WriteAllText(index, "before");
        var transaction = new PatchTransaction($"oci:{layout}:patched");
        File.WriteAllText(index, "after");

        transaction.RollBack();

        Assert.Equal("before", File.ReadAllText(index));
        Assert.Equal(["index.json"], Directory.GetFileSystemEntries(layout).Select(Path.GetFileName));
    }

    [Fact]
    public void RollBack_LeavesLayoutNeverWritten()
    {
        var transaction = new PatchTransaction($"oci:{Path.Combine(_directory, "missing", "layout")}:patched");

        transaction.RollBack();

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void ReadBackLocation_RegistryUsesDigest()
    {
        var digest = Oci.Digest.Compute([1]);
        var transaction = new PatchTransaction("registry.example/app:1-patched");

        var location = transaction.ReadBackLocation("registry.example/app:1-patched", digest);

        Assert.EndsWith("@" + digest, location, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
