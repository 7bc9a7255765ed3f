using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Bench;

/// <summary>
/// One receiving member of the group scenario: counts first deliveries into the running <see cref="Phase"/> (latency
/// from the content's timestamp, as <see cref="Receiver"/> does) and a seq seen before as a duplicate. Concurrent sends
/// may be pushed out of seq order (the SDK's reorder buffer puts them back), so seen seqs are kept in a ring of bits
/// behind the highest one: bounded, where a set of every msgId seen would grow with members × messages. No acks: group
/// pushes have no retry entry.
/// </summary>
internal sealed class BenchGroupMember : IAsyncDisposable
{
    // Far more than the sends a sender keeps in flight: a push later than this behind the newest counts as a duplicate.
    private const int RingBits = 1 << 14;

    private readonly ulong[] _seen = new ulong[RingBits / 64];
    private Phase? _phase;
    private long _highestSeq;
    private long _duplicates;

    public BenchGroupMember(HubConnection connection)
    {
        Connection = connection;
        // Handlers run one at a time per connection: the ring needs no lock.
        connection.On<GroupPush>("ReceiveGroup", OnPush);
    }

    public HubConnection Connection { get; }

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public void Start(Phase phase) => Volatile.Write(ref _phase, phase);

    private Task OnPush(GroupPush push)
    {
        var now = Stopwatch.GetTimestamp();
        if (!FirstTime(push.Seq))
        {
            Interlocked.Increment(ref _duplicates);
            return Task.CompletedTask;
        }
        Volatile.Read(ref _phase)?.Delivered(new BenchMessage { MsgId = push.MsgId, ClientMsgId = push.ClientMsgId, Content = push.Content }, now);
        return Task.CompletedTask;
    }

    private bool FirstTime(long seq)
    {
        if (seq <= _highestSeq - RingBits)
        {
            return false;
        }
        if (seq > _highestSeq)
        {
            // The bits of the seqs between the old highest and this one belong to seqs a ring ago: clear them.
            for (var s = Math.Max(_highestSeq + 1, seq - RingBits + 1); s <= seq; s++)
            {
                _seen[(s % RingBits) / 64] &= ~(1UL << (int)(s % 64));
            }
            _highestSeq = seq;
        }
        ref var word = ref _seen[(seq % RingBits) / 64];
        var bit = 1UL << (int)(seq % 64);
        if ((word & bit) != 0)
        {
            return false;
        }
        word |= bit;
        return true;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
