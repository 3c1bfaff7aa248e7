using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests.Support;

/// <summary>Sends warnings and errors (DotNext's included; more with RAFT_TEST_LOG_LEVEL) to the test output, so a failing test shows what the replicas saw.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    // RAFT_TEST_LOG_LEVEL=Debug shows every Raft state transition when a test needs investigating.
    private static readonly LogLevel MinimumLevel =
        Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("RAFT_TEST_LOG_LEVEL"), out var level) ? level : LogLevel.Warning;

    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, categoryName);

    public void Dispose()
    {
    }

    private sealed class TestOutputLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
            }
            catch (InvalidOperationException)
            {
                // Background Raft activity may outlive the test that owns the output helper.
            }
        }
    }
}
