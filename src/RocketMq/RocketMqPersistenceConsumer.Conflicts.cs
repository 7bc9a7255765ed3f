using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.RocketMq.Internal;

namespace ImSignalR.RocketMq;

/// <summary>C2C sends the store refused for their seq, moved here instead of lost.</summary>
internal sealed partial class RocketMqPersistenceConsumer
{
    /// <summary>
    /// A C2C send whose seq the store refused (another message holds it: the counter was behind the store, e.g. Redis
    /// lost its data while the consumer lagged) was accepted already: RocketMQ is the log and its SEND_OK answered the
    /// sender. Skipping it would lose it (G1), so it gets the next free seq (<see cref="SeqConflictResolver"/>) and is
    /// applied again, before the batch's offset is committed. The event in <paramref name="events"/> is replaced, so a
    /// retry of the batch and its <c>message_sent</c> carry the stored seq. Group entries are left as they are:
    /// <see cref="RocketMqGroupLog"/> waits for their outcome and sends a refused one again itself.
    /// </summary>
    /// <exception cref="Domain.Errors.ImException">Retriable: a store or counter failure, or a seq still taken after
    /// <see cref="SeqConflictResolver.MaxAttempts"/>; the caller retries the batch in place.</exception>
    private async Task<IReadOnlyList<AppendOutcome>> ResolveConflictsAsync(
        MessageQueue queue, List<LogEvent> events, IReadOnlyList<AppendOutcome> outcomes, CancellationToken cancellationToken)
    {
        var resolved = outcomes.ToArray();
        for (var i = 0; i < resolved.Length; i++)
        {
            if (resolved[i].Status == AppendStatus.SeqConflict && events[i] is not MessageSent)
            {
                // A group entry: its group log sends it again with a new seq if it still waits; past GroupApplyTimeout it does not.
                RocketMqLog.ApplyOutcome(_logger, i, queue.ToString(), resolved[i].Status.ToString());
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            var conflicted = ConflictedSends(events, resolved);
            if (conflicted.Count == 0)
            {
                return resolved;
            }
            if (_conflicts is null)
            {
                // A consumer host without the hub's sequencing (no allocator registered): say so loudly.
                foreach (var i in conflicted)
                {
                    var message = ((MessageSent)events[i]).Message;
                    RocketMqLog.SendNotStored(_logger, message.MsgId, queue.ToString(), message.Seq);
                    _metrics?.EventsSkipped?.Add(1, new KeyValuePair<string, object?>("topic", queue.Topic));
                }
                return resolved;
            }
            if (attempt >= SeqConflictResolver.MaxAttempts)
            {
                throw SeqConflictResolver.GaveUp();
            }
            var moved = new List<LogEvent>(conflicted.Count);
            foreach (var i in conflicted)
            {
                var refused = ((MessageSent)events[i]).Message;
                events[i] = await _conflicts.ResequenceAsync(events[i], cancellationToken).ConfigureAwait(false);
                moved.Add(events[i]);
                RocketMqLog.SendMoved(_logger, refused.MsgId, queue.ToString(), refused.Seq, ((MessageSent)events[i]).Message.Seq);
            }
            var again = await _store.ApplyAsync(moved, cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < conflicted.Count; k++)
            {
                resolved[conflicted[k]] = again[k];
            }
        }
    }

    private static List<int> ConflictedSends(List<LogEvent> events, AppendOutcome[] outcomes)
    {
        var conflicted = new List<int>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i].Status == AppendStatus.SeqConflict && events[i] is MessageSent)
            {
                conflicted.Add(i);
            }
        }
        return conflicted;
    }
}
