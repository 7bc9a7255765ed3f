using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImSignalR.IntegrationTests.RocketMq;

/// <summary>Keeps every log entry so tests can assert on warnings and event ids.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId, formatter(state, exception) + (exception is null ? "" : " | " + exception.Message)));

    public IEnumerable<(LogLevel Level, EventId Id, string Message)> AtLeast(LogLevel level) => Entries.Where(e => e.Level >= level);

    public bool Has(int eventId) => Entries.Any(e => e.Id.Id == eventId);
}
