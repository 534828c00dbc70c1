using Drydock.Packages.Inventory;
namespace Drydock.Packages.Apt.Indexes;

/// <summary>
/// Reads the installed packages of a root's dpkg database (<c>/var/lib/dpkg/status</c>) with
/// their relation fields, which the upgrade resolver needs beside the versions.
/// </summary>
public static class DpkgStatusReader
{
    public const string StatusPath = "/var/lib/dpkg/status";

    /// <summary>Returns the packages whose state is anything but not-installed or config-files.</summary>
    public static IReadOnlyList<PackageRecord> Read(IRootFileSystem root)
    {
        using var stream = root.OpenRead(StatusPath)
            ?? throw new FileNotFoundException($"The dpkg status file '{StatusPath}' does not exist in the root.", StatusPath);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.ToArray(), StatusPath);
    }

    public static IReadOnlyList<PackageRecord> Parse(ReadOnlyMemory<byte> content, string location)
    {
        var parsed = PackagesIndexParser.Parse(content, location);
        return [.. parsed.Records.Where(IsInstalled)];
    }

    private static bool IsInstalled(PackageRecord record)
    {
        var state = record.Status?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, _, var s] ? s : null;
        return state is not (null or "not-installed" or "config-files");
    }
}
