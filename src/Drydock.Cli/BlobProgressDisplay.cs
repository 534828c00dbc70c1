using Drydock.Oci.Transports;
using Spectre.Console;

namespace Drydock.Cli;

/// <summary>
/// Shows blob progress on standard error: Spectre.Console bars when it is a terminal, else one
/// plain line when each blob starts and ends.
/// </summary>
internal static class BlobProgressDisplay
{
    /// <summary>Runs <paramref name="work"/> with a progress receiver suited to the context.</summary>
    public static async Task<T> RunAsync<T>(CliContext context, Func<IProgress<BlobProgress>, Task<T>> work)
    {
        if (!context.StderrIsTerminal)
        {
            return await work(new LineProgress(context.Stderr));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Stderr) });
        return await console.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new DownloadedColumn(),
                new TransferSpeedColumn())
            .StartAsync(async progressContext => await work(new BarProgress(progressContext)));
    }

    private static string ShortDigest(BlobProgress progress) => progress.Descriptor.Digest.Hex[..12];

    private sealed class LineProgress(TextWriter stderr) : IProgress<BlobProgress>
    {
        public void Report(BlobProgress value)
        {
            var line = value.State switch
            {
                BlobState.Started => $"copying blob {ShortDigest(value)} ({value.Descriptor.Size} bytes)",
                BlobState.Skipped => $"blob {ShortDigest(value)} already present",
                BlobState.Done => $"copied blob {ShortDigest(value)}",
                _ => null,
            };
            if (line is not null)
            {
                lock (stderr)
                {
                    stderr.WriteLine(line);
                }
            }
        }
    }

    private sealed class BarProgress(ProgressContext context) : IProgress<BlobProgress>
    {
        private readonly Dictionary<Oci.Digest, ProgressTask> _tasks = [];

        public void Report(BlobProgress value)
        {
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(value.Descriptor.Digest, out var task))
                {
                    var label = value.State == BlobState.Skipped ? "present" : "blob";
                    task = context.AddTask($"{label} {ShortDigest(value)}", maxValue: Math.Max(value.Descriptor.Size, 1));
                    _tasks[value.Descriptor.Digest] = task;
                }

                task.Value = value.State is BlobState.Done or BlobState.Skipped ? task.MaxValue : value.Bytes;
            }
        }
    }
}
