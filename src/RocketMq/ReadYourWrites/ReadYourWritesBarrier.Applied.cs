using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.RocketMq.ReadYourWrites;

/// <summary>The wait on one written message (the group log's): its exact queue offset is known from SEND_OK.</summary>
internal sealed partial class ReadYourWritesBarrier
{
    /// <summary>
    /// Waits until <paramref name="consumerGroup"/> has applied the message at <paramref name="offset"/> of
    /// <paramref name="queue"/> (its next offset is past it): through the local consumer's progress when this process
    /// owns the queue, else the group's committed offset. Wakes a local consumer pausing after failed pulls.
    /// </summary>
    /// <returns>True once applied; false when <paramref name="timeout"/> passed or the broker could not be asked.</returns>
    public async Task<bool> WaitForAppliedAsync(MessageQueue queue, long offset, string consumerGroup, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        var nextWake = 0L;
        try
        {
            while (true)
            {
                var advance = _local.All.Select(p => p.NextAdvance).ToList();
                if (await TryAppliedAsync(queue, consumerGroup, bound.Token).ConfigureAwait(false) is { } applied && applied > offset)
                {
                    return true;
                }
                if (Environment.TickCount64 >= nextWake)
                {
                    foreach (var local in _local.All)
                    {
                        local.Wake();
                    }
                    nextWake = Environment.TickCount64 + (long)WakeInterval.TotalMilliseconds;
                }
                await Task.WhenAny(advance.Append(Task.Delay(PollInterval, bound.Token))).ConfigureAwait(false);
                bound.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _timeouts);
            RocketMqLog.GroupApplyWaitGaveUp(_logger, queue.ToString(), offset, (int)timeout.TotalMilliseconds);
            return false;
        }
    }

    /// <summary>The group's next offset on the queue, or null when this one request failed in transport (asked again).</summary>
    private async Task<long?> TryAppliedAsync(MessageQueue queue, string consumerGroup, CancellationToken cancellationToken)
    {
        if (_local.Owner(queue)?.AppliedOffset(queue) is { } local)
        {
            return local;
        }
        try
        {
            if (await _routes.GetAsync(queue.Topic, cancellationToken).ConfigureAwait(false) is not { } route || route.MasterAddress(queue.BrokerName) is null)
            {
                return null;
            }
            return await AppliedAsync(route, queue, consumerGroup, cancellationToken).ConfigureAwait(false);
        }
        catch (RocketMqProtocolException)
        {
            // The broker that just stored the event did not answer this time: ask again while the bound allows.
            return null;
        }
    }
}
