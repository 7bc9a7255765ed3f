using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImSignalR.IntegrationTests.RocketMq;

/// <summary>Keeps every log entry so tests can assert on warnings and event ids.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> Entries { get; } = new();

    /// <summary>The same entries with the time they were logged, for a failure message that shows what happened when.</summary>
    public ConcurrentQueue<string> Timeline { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception) + (exception is null ? "" : " | " + exception.Message);
        Entries.Enqueue((logLevel, eventId, message));
        Timeline.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {eventId.Id} {message}");
    }

    public IEnumerable<(LogLevel Level, EventId Id, string Message)> AtLeast(LogLevel level) => Entries.Where(e => e.Level >= level);

    public bool Has(int eventId) => Entries.Any(e => e.Id.Id == eventId);
}
