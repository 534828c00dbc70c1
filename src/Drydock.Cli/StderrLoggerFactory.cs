using Microsoft.Extensions.Logging;

namespace Drydock.Cli;

/// <summary>
/// Writes log entries as single lines, <c>drydock: LEVEL: message</c>, to standard error. It is
/// a plain factory rather than <see cref="LoggerFactory.Create"/>, whose dependency-injection
/// container costs a noticeable part of a short command's start-up time.
/// </summary>
internal sealed class StderrLoggerFactory(TextWriter stderr, LogLevel minimumLevel) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(stderr, minimumLevel);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The drydock command line logs to standard error only.");

    public void Dispose()
    {
    }

    private sealed class StderrLogger(TextWriter stderr, LogLevel minimumLevel) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimumLevel;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Trace or LogLevel.Debug => "debug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warning",
                _ => "error",
            };
            lock (stderr)
            {
                stderr.WriteLine($"drydock: {level}: {formatter(state, exception)}");
            }
        }
    }
}
