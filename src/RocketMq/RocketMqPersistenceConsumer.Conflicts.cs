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
        var refused = conflicted.ToDictionary(i => i, i => ((MessageSent)events[i]).Message.Seq);
        var still = await _conflicts.ReapplyAsync(_store, events, resolved, conflicted, i =>
        {
            if (resolved[i].Status == AppendStatus.Appended)
            {
                var moved = ((MessageSent)events[i]).Message;
                RocketMqLog.SendMoved(_logger, moved.MsgId, queue.ToString(), refused[i], moved.Seq);
            }
        }, cancellationToken).ConfigureAwait(false);
        return still.Count == 0 ? resolved : throw SeqConflictResolver.GaveUp();
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
