using Drydock.Packages.Apk;
using Drydock.Packages.Dpkg;
using Drydock.Packages.Rpm;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drydock.Packages.Inventory;

/// <summary>
/// Finds the package databases of a root file system (dpkg, apk, rpm) at the distribution's
/// own paths and reads them all.
/// </summary>
public static partial class PackageInventory
{
    private static readonly IPackageDatabaseReader[] _readers =
        [new DpkgDatabaseReader(), new ApkDatabaseReader(), new RpmDatabaseReader()];

    /// <summary>
    /// Reads every package database in the root. Malformed records are listed in
    /// <see cref="PackageInventoryResult.Diagnostics"/> and the other packages are still read.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A database's structure is malformed; the message names the file.
    /// </exception>
    public static PackageInventoryResult Read(
        IRootFileSystem root, PackageInventoryOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new PackageInventoryOptions();
        logger ??= NullLogger.Instance;

        var result = new PackageInventoryResult();
        foreach (var reader in _readers)
        {
            reader.Read(root, options, result);
        }

        foreach (var diagnostic in result.Diagnostics)
        {
            LogMalformedRecord(logger, diagnostic.File, diagnostic.Line, diagnostic.Message);
        }

        LogRead(logger, result.Packages.Count, result.Databases.Count);
        return result;
    }

    /// <summary>
    /// Tells whether reading the package databases may open the file at an absolute path (with
    /// links resolved), so that an image view can load just those files before calling
    /// <see cref="Read"/>. File lists under <c>/var/lib/dpkg/info</c> are included.
    /// </summary>
    public static bool IsDatabasePath(string absolutePath)
    {
        ArgumentNullException.ThrowIfNull(absolutePath);
        return _readers.Any(reader => reader.IsDatabasePath(absolutePath));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a malformed record at {File}:{Line}: {Reason}")]
    private static partial void LogMalformedRecord(ILogger logger, string file, int line, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {PackageCount} packages from {DatabaseCount} databases")]
    private static partial void LogRead(ILogger logger, int packageCount, int databaseCount);
}
