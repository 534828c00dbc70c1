using System.Diagnostics;

namespace Drydock.Benchmarks;

/// <summary>
/// The full bookworm main amd64 Packages index from the machine's apt lists
/// (<c>/var/lib/apt/lists</c> after <c>apt-get update</c>), decompressed into memory once.
/// </summary>
internal static class AptIndexData
{
    private const string Lists = "/var/lib/apt/lists";
    private const string Pattern = "*_debian_dists_bookworm_main_binary-amd64_Packages*";

    private static byte[]? _bookwormMain;

    public static byte[] BookwormMain => _bookwormMain ??= Load();

    private static byte[] Load()
    {
        var file = Directory.Exists(Lists) ? Directory.GetFiles(Lists, Pattern).Order().FirstOrDefault() : null;
        if (file is null)
        {
            throw new FileNotFoundException($"No bookworm main Packages index in '{Lists}'. Run apt-get update first.");
        }

        // apt stores lists plain or compressed as Acquire::GzipIndexes and CompressionTypes say;
        // the system tools read every form apt writes.
        var tool = Path.GetExtension(file) switch
        {
            ".lz4" => "lz4cat",
            ".xz" => "xzcat",
            ".gz" => "zcat",
            ".zst" => "zstdcat",
            _ => null,
        };
        return tool is null ? File.ReadAllBytes(file) : Decompress(tool, file);
    }

    private static byte[] Decompress(string tool, string file)
    {
        var start = new ProcessStartInfo(tool, [file]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        return buffer.ToArray();
    }
}
