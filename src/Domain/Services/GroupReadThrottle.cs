namespace ImSignalR.Domain.Services;

/// <summary>
/// Coalesces <c>GroupRead</c> events to at most one per reader and group per interval (SPEC §10): the first read
/// goes out at once, later ones within the interval are folded into one trailing event carrying the newest seq.
/// Bounded: at most <see cref="MaxTracked"/> readers are tracked; beyond that a read is sent only if it is the first
/// of its interval, and the trailing event is dropped (a client still learns the cursor from the next event or a
/// receipt query).
/// </summary>
internal sealed class GroupReadThrottle
{
    internal const int MaxTracked = 50_000;

    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Dictionary<(string ChatId, string UserId), Slot> _slots = new();
    private readonly Lock _gate = new();

    public GroupReadThrottle(TimeSpan interval, TimeProvider time)
    {
        _interval = interval;
        _time = time;
    }

    /// <summary>Sends <paramref name="readSeq"/> through <paramref name="send"/> now, later (coalesced), or not at all when a newer one is due.</summary>
    public void Offer(string chatId, string userId, long readSeq, Func<long, Task> send)
    {
        var now = _time.GetUtcNow();
        TimeSpan delay;
        lock (_gate)
        {
            var key = (chatId, userId);
            if (_slots.TryGetValue(key, out var slot))
            {
                slot.PendingSeq = Math.Max(slot.PendingSeq, readSeq);
                if (slot.TrailingScheduled)
                {
                    return;
                }
                var wait = slot.LastSentAt + _interval - now;
                if (wait > TimeSpan.Zero)
                {
                    slot.TrailingScheduled = true;
                    delay = wait;
                }
                else
                {
                    slot.LastSentAt = now;
                    slot.PendingSeq = 0;
                    delay = TimeSpan.Zero;
                }
            }
            else
            {
                if (_slots.Count >= MaxTracked)
                {
                    Prune(now);
                }
                if (_slots.Count < MaxTracked)
                {
                    _slots[key] = new Slot { LastSentAt = now };
                }
                delay = TimeSpan.Zero;
            }
        }
        if (delay == TimeSpan.Zero)
        {
            _ = send(readSeq);
            return;
        }
        _ = SendLaterAsync(chatId, userId, delay, send);
    }

    private async Task SendLaterAsync(string chatId, string userId, TimeSpan delay, Func<long, Task> send)
    {
        await Task.Delay(delay, _time).ConfigureAwait(false);
        long seq;
        lock (_gate)
        {
            if (!_slots.TryGetValue((chatId, userId), out var slot))
            {
                return;
            }
            seq = slot.PendingSeq;
            slot.PendingSeq = 0;
            slot.TrailingScheduled = false;
            slot.LastSentAt = _time.GetUtcNow();
        }
        if (seq > 0)
        {
            await send(seq).ConfigureAwait(false);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, slot) in _slots.ToArray())
        {
            if (!slot.TrailingScheduled && now - slot.LastSentAt >= _interval)
            {
                _slots.Remove(key);
            }
        }
    }

    private sealed class Slot
    {
        public DateTimeOffset LastSentAt { get; set; }

        public long PendingSeq { get; set; }

        public bool TrailingScheduled { get; set; }
    }
}
