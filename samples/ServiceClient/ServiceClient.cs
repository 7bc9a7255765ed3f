using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Samples.ServiceClient;

/// <summary>
/// Sends SPEC §13 requests and awaits each response by request_id; prints events. Responses are read by a
/// consumer group of this process alone (a shared group would hand this process's responses to another).
/// </summary>
internal sealed class ServiceClient : IAsyncDisposable
{
    private readonly RocketMqServiceOptions _topics;
    private readonly RocketMqProducer _producer;
    private readonly RocketMqPushConsumer _responses;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _waiting = new(StringComparer.Ordinal);
    private RocketMqPushConsumer? _events;

    public ServiceClient(RocketMqOptions options, string group, ILogger logger)
    {
        _topics = options.Service;
        _producer = new RocketMqProducer(options, new LoggerAdapter<RocketMqProducer>(logger));
        _responses = new RocketMqPushConsumer(options, _topics.ResponseTopic, $"{group}_{Environment.ProcessId}", OnResponsesAsync, logger);
        Options = options;
        Logger = logger;
    }

    private RocketMqOptions Options { get; }

    private ILogger Logger { get; }

    public Task StartAsync(CancellationToken cancellationToken) => _responses.StartAsync(cancellationToken);

    /// <summary>Sends one request and waits for its response (the seed's 10 s by default).</summary>
    public async Task<JsonElement> RequestAsync(string userId, string action, object data, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var requestId = "req_" + Guid.NewGuid().ToString("N");
        var waiter = _waiting[requestId] = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { request_id = requestId, user_id = userId, action, data });
            await _producer.SendAsync(new OutgoingMessage(_topics.RequestTopic, body, action, requestId, requestId,
                [new("request_id", requestId), new("user_id", userId), new("action", action)]), cancellationToken);
            return await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            _waiting.TryRemove(requestId, out _);
        }
    }

    /// <summary>Prints every event of the event topic (as group <paramref name="group"/>) until stopped.</summary>
    public Task SubscribeEventsAsync(string group, Action<string, JsonElement> onEvent, CancellationToken cancellationToken)
    {
        _events = new RocketMqPushConsumer(Options, _topics.EventTopic, group, (_, messages, _) =>
        {
            foreach (var m in messages)
            {
                using var doc = JsonDocument.Parse(m.Body);
                onEvent(m.Properties.GetValueOrDefault("event_type", "?"), doc.RootElement.Clone());
            }
            return Task.CompletedTask;
        }, Logger);
        return _events.StartAsync(cancellationToken);
    }

    private Task OnResponsesAsync(MessageQueue queue, IReadOnlyList<MessageExt> messages, CancellationToken cancellationToken)
    {
        foreach (var m in messages)
        {
            // Other clients' responses (and this client's late ones) pass by: only a waiting request_id matters.
            if (m.Properties.TryGetValue("request_id", out var id) && _waiting.TryGetValue(id, out var waiter))
            {
                try
                {
                    using var doc = JsonDocument.Parse(m.Body);
                    waiter.TrySetResult(doc.RootElement.Clone());
                }
                catch (JsonException e)
                {
                    waiter.TrySetException(new InvalidDataException($"The response to {id} is not JSON: {Encoding.UTF8.GetString(m.Body.Span)}", e));
                }
            }
        }
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _responses.StopAsync(CancellationToken.None);
        if (_events is not null)
        {
            await _events.StopAsync(CancellationToken.None);
        }
        await _producer.DisposeAsync();
    }

    private sealed class LoggerAdapter<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
