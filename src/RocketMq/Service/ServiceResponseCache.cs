using System.Collections.Concurrent;

namespace ImSignalR.RocketMq.Service;

/// <summary>
/// At most once per request_id: the first execution's response, kept for <see cref="Window"/> (beyond the TTL a
/// redelivered request is answered <c>expired</c> anyway) and at most <see cref="Capacity"/> entries, oldest
/// dropped first. Concurrent deliveries of one id share one execution.
/// </summary>
internal sealed class ServiceResponseCache
{
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, Lazy<Task<ServiceResponse>>> _responses = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Id, long At)> _order = new();
    private readonly TimeProvider _time;

    public ServiceResponseCache(TimeSpan window, TimeProvider time)
    {
        Window = window;
        _time = time;
    }

    public TimeSpan Window { get; }

    public int Count => _responses.Count;

    /// <summary>The response of <paramref name="requestId"/>, executing <paramref name="execute"/> only for its first delivery.</summary>
    public async Task<(ServiceResponse Response, bool Repeated)> GetOrExecuteAsync(string requestId, Func<Task<ServiceResponse>> execute)
    {
        var mine = new Lazy<Task<ServiceResponse>>(execute);
        var lazy = _responses.GetOrAdd(requestId, mine);
        if (ReferenceEquals(lazy, mine))
        {
            _order.Enqueue((requestId, _time.GetTimestamp()));
            Trim();
        }
        try
        {
            var response = await lazy.Value.ConfigureAwait(false);
            if (response.Retriable)
            {
                // Nothing happened (the log or store was unavailable): a retry of the request may run again.
                _responses.TryRemove(new KeyValuePair<string, Lazy<Task<ServiceResponse>>>(requestId, lazy));
            }
            return (response, !ReferenceEquals(lazy, mine));
        }
        catch
        {
            _responses.TryRemove(new KeyValuePair<string, Lazy<Task<ServiceResponse>>>(requestId, lazy));
            throw;
        }
    }

    private void Trim()
    {
        while (_order.TryPeek(out var oldest) &&
               (_responses.Count > Capacity || _time.GetElapsedTime(oldest.At) > Window))
        {
            if (_order.TryDequeue(out oldest))
            {
                _responses.TryRemove(oldest.Id, out _);
            }
        }
    }
}
