using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Platform.Crypto.Tests.Infrastructure;

/// <summary>Captures log entries so tests can assert on what was (and was not) logged.</summary>
public sealed class TestLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Entries.Enqueue((logLevel, formatter(state, exception)));
    }

    public string AllText => string.Join("\n", Entries.Select(e => e.Message));
}
