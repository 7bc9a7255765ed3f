namespace ImSignalR.Domain.Identity;

/// <summary>
/// Time-ordered 64-bit message ids: 41 bits of milliseconds since <see cref="Epoch"/>, 10 bits of
/// node id (0–1023), 12 bits of per-millisecond sequence. Unique across nodes as long as node ids are.
/// </summary>
/// <remarks>
/// When the wall clock steps back (NTP), ids keep coming from the last issued millisecond instead of
/// going back in time, so they never repeat; when a millisecond's 4096 ids are spent the generator
/// borrows the next millisecond, which is the same trade the clock-step case makes.
/// </remarks>
public sealed class SnowflakeIdGenerator
{
    public const int MaxNodeId = 1023;
    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int NodeBits = 10;
    private const int SequenceBits = 12;
    private const long SequenceMask = (1L << SequenceBits) - 1;

    private readonly TimeProvider _time;
    private readonly long _nodePart;
    private readonly Lock _lock = new();
    private long _lastMs = -1;
    private long _sequence;

    public SnowflakeIdGenerator(int nodeId, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodeId, MaxNodeId);
        _time = time;
        NodeId = nodeId;
        _nodePart = (long)nodeId << SequenceBits;
    }

    public int NodeId { get; }

    public long Next()
    {
        var now = (long)(_time.GetUtcNow() - Epoch).TotalMilliseconds;
        lock (_lock)
        {
            if (now > _lastMs)
            {
                _lastMs = now;
                _sequence = 0;
            }
            else if (++_sequence > SequenceMask)
            {
                _lastMs++;
                _sequence = 0;
            }
            return (_lastMs << (NodeBits + SequenceBits)) | _nodePart | _sequence;
        }
    }

    /// <summary>The creation time encoded in <paramref name="id"/>.</summary>
    public static DateTimeOffset TimeOf(long id) => Epoch.AddMilliseconds(id >> (NodeBits + SequenceBits));

    public static int NodeOf(long id) => (int)((id >> SequenceBits) & MaxNodeId);
}
