using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.ReadYourWrites;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Options;

namespace ImSignalR.RocketMq;

/// <summary>
/// <see cref="IGroupLog"/> in RocketMQ mode (SPEC §10): each group event goes to <see cref="RocketMqOptions.GroupTopic"/>
/// as a <c>ClusterEvent</c> (types 110/130/140/150), key = msgId, tag = the type name, queue = stable hash of the
/// chat id, so one group's events stay in order on one queue.
/// <para>Why the completion waits for the consumer, not only for SEND_OK: the group service reads membership (and a
/// send's duplicate outcome) back from the store right after a change, and the next call of any
/// member is authorised from the store. So the place in the log is taken at SEND_OK (inside
/// <see cref="BeginAppendAsync"/>, under the caller's per-chat lock: events whose places were taken one after
/// another are on the queue in that order, as the C2C RocketMQ log does it), and the returned task completes when
/// the persistence consumer group has applied the event (the local consumer's progress, else its committed offset),
/// with the store's own outcome for timeline entries. This also makes group reads see the caller's writes without a
/// read barrier of their own. The wait is bounded by <see cref="RocketMqOptions.GroupApplyTimeout"/>: past it (the
/// consumer stopped or far behind) the event is reported accepted, because it is durable (G1), and log 7021 says
/// that read-back may be stale until the consumer catches up.</para>
/// </summary>
internal sealed class RocketMqGroupLog : IGroupLog
{
    private readonly IRocketMqProducer _producer;
    private readonly RocketMqOptions _options;
    private readonly ReadYourWritesBarrier _barrier;
    private readonly IMessageQueries _store;
    private readonly SeqConflictResolver _conflicts;

    public RocketMqGroupLog(
        IRocketMqProducer producer, IOptions<RocketMqOptions> options, ReadYourWritesBarrier barrier, IMessageQueries store, SeqConflictResolver conflicts)
    {
        _producer = producer;
        _options = options.Value;
        _barrier = barrier;
        _store = store;
        _conflicts = conflicts;
    }

    public async ValueTask<Task<AppendOutcome>> BeginAppendAsync(LogEvent logEvent, CancellationToken cancellationToken)
    {
        var sent = await SendAsync(logEvent, cancellationToken).ConfigureAwait(false);
        return CompleteAsync(logEvent, sent);
    }

    private async Task<BrokerSendResult> SendAsync(LogEvent logEvent, CancellationToken cancellationToken)
    {
        var message = new OutgoingMessage(
            _options.GroupTopic,
            GroupClusterEventCodec.Serialize(logEvent),
            GroupClusterEventCodec.TagOf(logEvent),
            GroupClusterEventCodec.KeyOf(logEvent),
            logEvent.ChatId);
        try
        {
            return await _producer.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RocketMqProtocolException e)
        {
            throw new ImException(ImErrorCode.LogUnavailable, "The message log (RocketMQ) did not store the group event.", e);
        }
    }

    /// <summary>
    /// Durable now; waits (bounded) for the consumer to apply it, then tells what the store made of it. A timeline
    /// entry the store refused for its seq goes to the topic again with a new one (<see cref="SeqConflictResolver"/>):
    /// the refused copy changed nothing, so the order on the queue is still the order of what was applied.
    /// </summary>
    private async Task<AppendOutcome> CompleteAsync(LogEvent logEvent, BrokerSendResult sent)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await AppliedOutcomeAsync(logEvent, sent).ConfigureAwait(false);
            if (outcome.Status != AppendStatus.SeqConflict)
            {
                return attempt == 1 || outcome.Status != AppendStatus.Appended
                    ? outcome
                    : AppendOutcome.AppendedAs(SeqConflictResolver.TimelineMessageOf(logEvent)!);
            }
            if (attempt >= SeqConflictResolver.MaxAttempts)
            {
                throw SeqConflictResolver.GaveUp();
            }
            // Not the caller's token, as below: its place is taken, and only a new seq or an error may end the call.
            logEvent = await _conflicts.ResequenceAsync(logEvent, CancellationToken.None).ConfigureAwait(false);
            sent = await SendAsync(logEvent, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<AppendOutcome> AppliedOutcomeAsync(LogEvent logEvent, BrokerSendResult sent)
    {
        // Not the caller's token: the event is durable, and the call must finish its work (push, dedupe) either way.
        var applied = await _barrier.WaitForAppliedAsync(sent.Queue, sent.QueueOffset, _options.GroupConsumerGroup, _options.GroupApplyTimeout,
            CancellationToken.None).ConfigureAwait(false);
        if (!applied)
        {
            return AppendOutcome.Appended;
        }
        // Reads and recalls take no seq and have no outcome but applied.
        return SeqConflictResolver.TimelineMessageOf(logEvent) is { } message
            ? await StoredOutcomeAsync(message).ConfigureAwait(false)
            : AppendOutcome.Appended;
    }

    /// <summary>
    /// The applied entry's outcome as the direct log would have reported it: stored under its own msgId = appended;
    /// another message holds its (from, clientMsgId) = a duplicate of that one; none = its seq was taken (the store
    /// refused it), so it goes again under a new seq. A store failure here is thrown (retriable): the caller's
    /// retry with the same clientMsgId then finds the message, or appends it.
    /// </summary>
    private async Task<AppendOutcome> StoredOutcomeAsync(ChatMessage message)
    {
        var stored = await _store.FindByClientMsgIdAsync(message.FromUserId, message.ClientMsgId, CancellationToken.None).ConfigureAwait(false);
        if (stored is null)
        {
            return AppendOutcome.Conflict;
        }
        return stored.MsgId == message.MsgId ? AppendOutcome.Appended : AppendOutcome.DuplicateOf(stored);
    }
}
