using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Claims;
using ImSignalR.Hub.Hubs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace ImSignalR.UnitTests.Hubs;

/// <summary>What a hub filter is handed, without a server: a caller context, invocation and lifetime contexts.</summary>
internal static class FilterHarness
{
    public static HubInvocationContext Invocation(string method, HubCallerContext? connection = null) =>
        new(connection ?? new TestCallerContext("conn-1"), EmptyServices.Instance, new TestHub(),
            typeof(ChatHub).GetMethod(method) ?? typeof(TestHub).GetMethod(method) ?? throw new ArgumentException(method), []);

    public static HubLifetimeContext Lifetime(string connectionId = "conn-1") =>
        new(new TestCallerContext(connectionId), EmptyServices.Instance, new TestHub());

    public static Func<HubInvocationContext, ValueTask<object?>> Returns(object? result) => _ => ValueTask.FromResult(result);

    public static Func<HubInvocationContext, ValueTask<object?>> Throws(Exception ex) => _ => ValueTask.FromException<object?>(ex);

    internal sealed class TestHub : Microsoft.AspNetCore.SignalR.Hub
    {
        /// <summary>A method the product does not have, for the bounded-label case.</summary>
        public static Task MadeUp() => Task.CompletedTask;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}

internal sealed class TestCallerContext(string connectionId) : HubCallerContext
{
    private readonly CancellationTokenSource _aborted = new();

    public override string ConnectionId => connectionId;
    public override string? UserIdentifier => "alice";
    public override ClaimsPrincipal? User => null;
    public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();
    public override IFeatureCollection Features { get; } = new FeatureCollection();
    public override CancellationToken ConnectionAborted => _aborted.Token;
    public bool Aborted => _aborted.IsCancellationRequested;
    public override void Abort() => _aborted.Cancel();
}

/// <summary>Every measurement of one meter's instruments, with its tags.</summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        // Histograms: event counts as they are, durations to whole milliseconds (their values are asserted loosely).
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, (long)value, tags));
        _listener.Start();
    }

    public ConcurrentQueue<(string Instrument, long Value, (string Key, string? Value)[] Tags)> Measurements { get; } = new();

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        Measurements.Enqueue((instrument.Name, value, tags.ToArray().Select(t => (t.Key, t.Value?.ToString())).ToArray()));

    /// <summary>The rejections counted, as <c>code/op</c>.</summary>
    public IEnumerable<string> Rejections => Measurements.Where(m => m.Instrument == "im.rejections")
        .Select(m => $"{m.Tags.Single(t => t.Key == "code").Value}/{m.Tags.Single(t => t.Key == "op").Value}");

    /// <summary>The current value of an observable gauge.</summary>
    public long Gauge(string name)
    {
        var before = Measurements.Count;
        _listener.RecordObservableInstruments();
        return Measurements.Skip(before).Last(m => m.Instrument == name).Value;
    }

    public void Dispose() => _listener.Dispose();
}

internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, int Id, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception), exception));
}
