using Microsoft.Extensions.Logging;

namespace Drydock.Cli;

/// <summary>
/// What a command writes to and reads from: results on <see cref="Stdout"/>, logs and progress on
/// <see cref="Stderr"/>. Tests build one over string writers.
/// </summary>
internal sealed class CliContext : IDisposable
{
    public CliContext(TextWriter stdout, TextWriter stderr, TextReader stdin, bool stderrIsTerminal, bool verbose)
    {
        Stdout = stdout;
        Stderr = stderr;
        Stdin = stdin;
        StderrIsTerminal = stderrIsTerminal;
        LoggerFactory = new StderrLoggerFactory(stderr, verbose ? LogLevel.Debug : LogLevel.Warning);
    }

    public TextWriter Stdout { get; }

    public TextWriter Stderr { get; }

    public TextReader Stdin { get; }

    /// <summary>Whether a person is likely watching standard error, so progress may be drawn.</summary>
    public bool StderrIsTerminal { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>A context over the process's console streams.</summary>
    public static CliContext FromConsole(bool verbose) =>
        new(Console.Out, Console.Error, Console.In, !Console.IsErrorRedirected, verbose);

    public void Dispose() => LoggerFactory.Dispose();
}
