using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using Drydock.Cli.Tests.Registry;
using Drydock.Testing;

namespace Drydock.Cli.Tests.Scan;

/// <summary><c>drydock db import</c> and <c>db status</c>, and <c>scan</c> with a missing database.</summary>
public sealed class DbCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("drydock-cli-db-");

    private string Database => Path.Combine(_folder.FullName, "advisories.db");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Import_FilesWithNoFeed_Exits1AndImportsNothing()
    {
        var page = Write("debian-tracker.json", "<html>Not Found</html>");
        var text = Write("notes.json", "just text");

        var run = await DbAsync("import", page, text);
        var status = await DbAsync("status");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"'{page}'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("No sources imported.", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_SourceWithoutDates_ShowsUnknownAge()
    {
        var tracker = SharedData.Require("debian-tracker-excerpts/osvdev-debian_security_tracker_mock.json");
        Assert.Equal(0, (await DbAsync("import", tracker)).ExitCode);

        var status = await DbAsync("status");

        var row = status.Stdout.Split('\n').Single(line => line.StartsWith("debian-tracker\t", StringComparison.Ordinal));
        var columns = row.Split('\t');
        Assert.Equal("-", columns[3]);
        Assert.Equal("-", columns[4]);
    }

    [Fact]
    public async Task Import_Interrupted_Exits130AndKeepsData()
    {
        var token = TestContext.Current.CancellationToken;
        var tracker = SharedData.Require("debian-tracker-excerpts/osvdev-debian_security_tracker_mock.json");
        Assert.Equal(0, (await DbAsync("import", tracker)).ExitCode);
        var before = (await DbAsync("status")).Stdout;
        // A FIFO named as a tar archive: the import waits for each entry the test writes, so the
        // signal arrives mid-import.
        var fifo = Path.Combine(_folder.FullName, "debian-osv.tar");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(token);
        }

        using var process = Start("db", "import", "--db", Database, fifo);
        var stderr = process.StandardError.ReadToEndAsync(token);
        await using (var pipe = await Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write), token))
        {
            var entry = SharedData.Require("debian-osv/sample/DSA-5514-1.json");
            await WriteEntryAsync(pipe, entry, 0);
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(token);
            }

            // Each further entry wakes the import, which then sees the cancellation.
            for (var n = 1; !process.HasExited; n++)
            {
                try
                {
                    await WriteEntryAsync(pipe, entry, n);
                }
                catch (IOException)
                {
                    break;
                }

                await Task.Delay(50, token);
            }

            await process.WaitForExitAsync(token);
        }

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("drydock: cancelled", await stderr, StringComparison.Ordinal);
        Assert.Equal(before, (await DbAsync("status")).Stdout);
    }

    [Fact]
    public async Task Scan_MissingDatabase_Exits3WithoutCreatingIt()
    {
        var missing = Path.Combine(_folder.FullName, "typo", "advisories.db");

        var run = await DrydockProcess.RunAsync(["scan", "--db", missing, "127.0.0.1:1/none:1"]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"'{missing}'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("db update", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
    }

    private Task<DrydockRun> DbAsync(params string[] arguments) =>
        DrydockProcess.RunAsync(["db", .. arguments.Take(1), "--db", Database, .. arguments.Skip(1)]);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static async Task WriteEntryAsync(Stream pipe, string file, int n)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, $"DSA-{n}.json")
        {
            DataStream = File.OpenRead(file),
        };
        await using (entry.DataStream)
        {
            // The writer is left open: disposing it would end the archive.
            var writer = new TarWriter(pipe, leaveOpen: true);
            await writer.WriteEntryAsync(entry);
        }

        await pipe.FlushAsync();
    }

    private static Process Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "drydock.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}
