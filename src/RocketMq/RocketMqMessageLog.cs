using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Options;

namespace ImSignalR.RocketMq;

/// <summary>
/// The write-through message log (SPEC G1, §6): each event goes to the topic as a Java <c>ClusterEvent</c>,
/// key = msgId, tag = event type name, queue = stable hash of chatId. Durable means SEND_OK; anything else is
/// <c>IM_LOG_UNAVAILABLE</c> (retriable) and the caller must not report the send accepted.
/// </summary>
internal sealed class RocketMqMessageLog : IMessageLog
{
    private readonly IRocketMqProducer _producer;
    private readonly RocketMqOptions _options;

    public RocketMqMessageLog(IRocketMqProducer producer, IOptions<RocketMqOptions> options)
    {
        _producer = producer;
        _options = options.Value;
    }

    public async ValueTask<AppendOutcome> AppendAsync(LogEvent logEvent, CancellationToken cancellationToken)
    {
        var message = new OutgoingMessage(
            _options.Topic,
            ClusterEventCodec.Serialize(logEvent),
            ClusterEventCodec.TagOf(logEvent),
            ClusterEventCodec.KeyOf(logEvent),
            logEvent.ChatId);
        try
        {
            await _producer.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return AppendOutcome.Appended;
        }
        catch (RocketMqProtocolException e)
        {
            throw new ImException(ImErrorCode.LogUnavailable, "The message log (RocketMQ) did not store the event.", e);
        }
    }
}
