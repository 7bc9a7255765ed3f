namespace ImSignalR.Domain.Limits;

/// <summary>
/// A token bucket: <c>ratePerSecond</c> tokens a second, at most <c>burst</c> banked. One per
/// connection for the send rate limit (SPEC §8: 20/s, burst 40). Thread-safe.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _ratePerTick;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _lastTimestamp;

    public TokenBucket(double ratePerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = time;
        _ratePerTick = ratePerSecond / time.TimestampFrequency;
        _burst = burst;
        _tokens = burst;
        _lastTimestamp = time.GetTimestamp();
    }

    public bool TryTake()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + ((now - _lastTimestamp) * _ratePerTick));
            _lastTimestamp = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens -= 1;
            return true;
        }
    }
}
