using System.Diagnostics.Metrics;
using ImSignalR.Domain.Services;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Producer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImSignalR.RocketMq.Service;

/// <summary>
/// SPEC §13 request/response over RocketMQ: consumes <c>Im:RocketMq:Service:RequestTopic</c> as group
/// <c>…:Group</c>, answers each request on <c>…:ResponseTopic</c> (tag and <c>response_type</c> = the action,
/// <c>error</c> or <c>expired</c>; key and <c>request_id</c> = the request's). A response is sent before the
/// request's offset is committed, so a crash redelivers the request and the answer is sent again (at least
/// once), while the action runs at most once per request_id on this node and, for send_message, at most once
/// cluster-wide through the idempotency key. Off unless <c>…:Service:Enabled</c>.
/// </summary>
internal sealed partial class ServiceIntegrationHost : IHostedService, IAsyncDisposable
{
    private readonly RocketMqOptions _options;
    private readonly IRocketMqProducer _producer;
    private readonly ServiceRequestProcessor _processor;
    private readonly Counter<long> _requests;
    private readonly ILogger<ServiceIntegrationHost> _logger;
    private RocketMqPushConsumer? _consumer;

    public ServiceIntegrationHost(
        IOptions<RocketMqOptions> options, IRocketMqProducer producer, SendService send, QueryService query, GroupService groups,
        TimeProvider time, Meter meter, ILogger<ServiceIntegrationHost> logger)
    {
        _options = options.Value;
        _producer = producer;
        _logger = logger;
        _processor = new ServiceRequestProcessor(
            (user, request, ct) => send.SendAsync(user, request, senderConnectionId: null, ct),
            query.GetHistoryAsync, _options.Service.RequestTtl, time,
            (user, request, ct) => groups.SendAsync(user, request, senderConnectionId: null, ct));
        _requests = meter.CreateCounter<long>("im.service.requests", description: "SPEC §13 service requests, by action and outcome.");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Service.Enabled)
        {
            return;
        }
        _consumer = new RocketMqPushConsumer(_options, _options.Service.RequestTopic, _options.Service.Group, HandleAsync, _logger);
        await _consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(_options.Service.RequestTopic, _options.Service.Group, _options.Service.ResponseTopic);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _consumer, null) is { } consumer)
        {
            await consumer.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _consumer, null) is { } consumer)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(MessageQueue queue, IReadOnlyList<MessageExt> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            var (response, action, repeated) = await _processor.ProcessAsync(message.Body, message.Properties, message.BornTimestamp, cancellationToken).ConfigureAwait(false);
            var outcome = response is null ? "unanswerable" : repeated ? "repeated" : response.Outcome;
            _requests.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", outcome));
            if (response is null)
            {
                LogUnanswerable(message.MsgId, queue.ToString());
                continue;
            }
            // A failure here throws: the batch is redelivered and the cached response sent again.
            await _producer.SendAsync(new OutgoingMessage(
                _options.Service.ResponseTopic, response.Body, response.ResponseType, response.RequestId, response.RequestId,
                [new("request_id", response.RequestId), new("response_type", response.ResponseType)]), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(2301, LogLevel.Information, "Service requests: consuming {RequestTopic} as {Group}, answering on {ResponseTopic}")]
    private partial void LogStarted(string requestTopic, string group, string responseTopic);

    [LoggerMessage(2302, LogLevel.Warning, "Service request {MsgId} from {Queue} has no usable request_id; skipped without an answer")]
    private partial void LogUnanswerable(string msgId, string queue);
}
