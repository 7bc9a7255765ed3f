using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.InProcess;

/// <summary>
/// The retry queue of one node: due-ordered entries plus leases, under one lock. Same semantics as
/// the Redis queue (claim moves entries under a lease; an expired lease makes them due again), so the
/// sweeper is written once.
/// </summary>
public sealed class InProcessRetryQueue : IRetryQueue
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Slot> _slots = [];
    private readonly SortedSet<(DateTimeOffset At, long MsgId)> _queued = [];
    private readonly SortedSet<(DateTimeOffset At, long MsgId)> _leased = [];

    public ValueTask ScheduleAsync(ChatMessage message, DateTimeOffset due, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_slots.TryAdd(message.MsgId, new Slot(message, 0, due, Leased: false)))
            {
                _queued.Add((due, message.MsgId));
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<RetryEntry>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = new List<RetryEntry>();
        lock (_lock)
        {
            TakeDue(_leased, now, max, claimed, now + lease);
            TakeDue(_queued, now, max, claimed, now + lease);
        }
        return ValueTask.FromResult<IReadOnlyList<RetryEntry>>(claimed);
    }

    public ValueTask<bool> RescheduleAsync(RetryEntry claimed, DateTimeOffset due, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_slots.TryGetValue(claimed.Message.MsgId, out var slot))
            {
                return ValueTask.FromResult(false);
            }
            Unlink(claimed.Message.MsgId, slot);
            _slots[claimed.Message.MsgId] = slot with { Message = claimed.Message, Replays = claimed.Replays + 1, At = due, Leased = false };
            _queued.Add((due, claimed.Message.MsgId));
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask ReplaceMessageAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_slots.TryGetValue(message.MsgId, out var slot))
            {
                _slots[message.MsgId] = slot with { Message = message };
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var id in msgIds)
            {
                if (_slots.Remove(id, out var slot))
                {
                    Unlink(id, slot);
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<ChatMessage>> GetPendingAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        var found = new List<ChatMessage>(msgIds.Count);
        lock (_lock)
        {
            foreach (var id in msgIds)
            {
                if (_slots.TryGetValue(id, out var slot))
                {
                    found.Add(slot.Message);
                }
            }
        }
        return ValueTask.FromResult<IReadOnlyList<ChatMessage>>(found);
    }

    public ValueTask<long> CountAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult((long)_slots.Count);
        }
    }

    private void TakeDue(SortedSet<(DateTimeOffset At, long MsgId)> source, DateTimeOffset now, int max, List<RetryEntry> claimed, DateTimeOffset leaseUntil)
    {
        while (claimed.Count < max && source.Count > 0)
        {
            var first = source.Min;
            if (first.At > now)
            {
                return;
            }
            source.Remove(first);
            var slot = _slots[first.MsgId];
            _slots[first.MsgId] = slot with { At = leaseUntil, Leased = true };
            _leased.Add((leaseUntil, first.MsgId));
            claimed.Add(new RetryEntry(slot.Message, slot.Replays));
        }
    }

    private void Unlink(long msgId, Slot slot) => (slot.Leased ? _leased : _queued).Remove((slot.At, msgId));

    private sealed record Slot(ChatMessage Message, int Replays, DateTimeOffset At, bool Leased);
}
