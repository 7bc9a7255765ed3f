using System.Globalization;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.IntegrationTests.RocketMq.Double;

internal sealed partial class DoubleBroker
{
    private const int PullFlagSuspend = 0x2;
    private const int PullFlagSubscription = 0x4;
    private const int MaxTransferCount = 32;

    private readonly Lock _tickLock = new();
    private TaskCompletionSource _holdTick = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _holdStop = new();
    private Task _holdLoop = Task.CompletedTask;

    /// <summary>
    /// How often held pulls are re-checked for expiry (<c>PullRequestHoldService</c> waits 5 s between checks in
    /// long-polling mode). A hold of <c>suspendTimeoutMillis</c> is therefore answered up to one interval late.
    /// </summary>
    public TimeSpan HoldCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Pins the phase of the hold checks (set before <see cref="Start"/>): the first check runs this long after the
    /// first pull is held, the next ones every <see cref="HoldCheckInterval"/>. A real broker's phase is arbitrary;
    /// a test picks the worst one (just before a hold expires) so the outcome does not depend on start-up timing.
    /// </summary>
    public TimeSpan? HoldCheckPhase { get; set; }

    private TaskCompletionSource _firstHold = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Held pulls answered after their hold expired (tests look at hold timing).</summary>
    public IReadOnlyList<(DateTime SuspendedAt, DateTime AnsweredAt, long SuspendMs)> ExpiredHolds
    {
        get
        {
            lock (_gate)
            {
                return [.. _expiredHolds];
            }
        }
    }

    private readonly List<(DateTime SuspendedAt, DateTime AnsweredAt, long SuspendMs)> _expiredHolds = [];

    private void StartHoldService()
    {
        _holdStop = new CancellationTokenSource();
        var stop = _holdStop.Token;
        _firstHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var phase = HoldCheckPhase;
        _holdLoop = Task.Run(async () =>
        {
            try
            {
                if (phase is { } first)
                {
                    await _firstHold.Task.WaitAsync(stop);
                    await Task.Delay(first, stop);
                    HoldCheck();
                }
                // A free-running check, like the Java service thread: its phase does not follow any request.
                using var timer = new PeriodicTimer(HoldCheckInterval);
                while (await timer.WaitForNextTickAsync(stop))
                {
                    HoldCheck();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    private void HoldCheck()
    {
        TaskCompletionSource tick;
        lock (_tickLock)
        {
            tick = _holdTick;
            _holdTick = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        tick.TrySetResult();
    }

    private async Task StopHoldServiceAsync()
    {
        await _holdStop.CancelAsync();
        await _holdLoop;
        lock (_tickLock)
        {
            _holdTick.TrySetResult();
        }
    }

    private Task NextHoldCheck()
    {
        lock (_tickLock)
        {
            return _holdTick.Task;
        }
    }

    /// <summary>Pulls that find messages are answered this much later: a consumer that lags behind the producer.</summary>
    public TimeSpan PullReplyDelay { get; set; }

    private async Task<RemotingCommand> PullAsync(RemotingCommand request)
    {
        var response = await PullCoreAsync(request);
        if (response.Code == ResponseCode.Success && PullReplyDelay > TimeSpan.Zero)
        {
            await Task.Delay(PullReplyDelay);
        }
        return response;
    }

    /// <summary>PULL_MESSAGE (doc §5): status mapping and nextBeginOffset as a master broker computes them; long polling.</summary>
    private async Task<RemotingCommand> PullCoreAsync(RemotingCommand request)
    {
        var group = request.GetRequiredExt("consumerGroup");
        var topic = request.GetRequiredExt("topic");
        var queueId = Int(request, "queueId");
        var offset = request.GetRequiredLong("queueOffset");
        var maxNums = Math.Min(Int(request, "maxMsgNums"), MaxTransferCount);
        var sysFlag = Int(request, "sysFlag");
        var suspendMs = request.GetRequiredLong("suspendTimeoutMillis");
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var config))
            {
                return RemotingCommand.CreateResponse(request, ResponseCode.TopicNotExist, $"topic[{topic}] not exist, apply first please!");
            }
            if (queueId < 0 || queueId >= config.ReadQueues)
            {
                return RemotingCommand.CreateResponse(request, ResponseCode.InvalidParameter, $"queueId[{queueId}] is illegal");
            }
            if ((sysFlag & PullFlagSubscription) == 0 && !_groups.ContainsKey(group))
            {
                return RemotingCommand.CreateResponse(request, ResponseCode.SubscriptionNotExist, "consumer's group info not exist");
            }
            if ((sysFlag & 0x1) != 0 && request.GetExt("commitOffset") is { } commit && !_pendingResets.ContainsKey((group, topic, queueId)))
            {
                _consumerOffsets[(group, topic, queueId)] = long.Parse(commit, CultureInfo.InvariantCulture);
            }
        }
        var suspendedAt = DateTime.UtcNow;
        var deadline = suspendedAt.AddMilliseconds(suspendMs);
        var expired = false;
        var allowSuspend = (sysFlag & PullFlagSuspend) != 0;
        while (true)
        {
            Task arrival;
            lock (_gate)
            {
                var log = _queues.GetValueOrDefault((topic, queueId)) ?? [];
                var max = (long)log.Count;
                var response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
                long next;
                if (_pendingResets.Remove((group, topic, queueId), out var reset))
                {
                    // 5.x server-side reset: the consumer learns its new position from the next pull.
                    (response.Code, response.Remark, next) = (ResponseCode.PullOffsetMoved, "OFFSET_RESET", reset);
                }
                else if (max == 0 && offset != 0)
                {
                    (response.Code, response.Remark, next) = (ResponseCode.PullOffsetMoved, "NO_MESSAGE_IN_QUEUE", 0);
                }
                else if (offset > max)
                {
                    (response.Code, response.Remark, next) = (ResponseCode.PullOffsetMoved, "OFFSET_OVERFLOW_BADLY", max);
                }
                else if (offset < max)
                {
                    var take = log.Skip((int)offset).Take(maxNums).ToList();
                    response.Body = take.SelectMany(r => r.Encode()).ToArray();
                    response.Remark = "FOUND";
                    next = offset + take.Count;
                }
                else if (!allowSuspend)
                {
                    (response.Code, response.Remark, next) = (ResponseCode.PullNotFound, max == 0 ? "NO_MESSAGE_IN_QUEUE" : "OFFSET_OVERFLOW_ONE", offset);
                    if (expired)
                    {
                        _expiredHolds.Add((suspendedAt, DateTime.UtcNow, suspendMs));
                    }
                }
                else
                {
                    // Hold the request: no reply until a message arrives or the hold expires (doc §5.3).
                    if (!_arrivals.TryGetValue((topic, queueId), out var tcs))
                    {
                        tcs = _arrivals[(topic, queueId)] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                    arrival = tcs.Task;
                    _firstHold.TrySetResult();
                    goto Wait;
                }
                response.ExtFields = new()
                {
                    ["suggestWhichBrokerId"] = "0",
                    ["nextBeginOffset"] = Str(next),
                    ["minOffset"] = "0",
                    ["maxOffset"] = Str(max),
                };
                return response;
            }
        Wait:
            // Woken at once by an arrival; otherwise only a hold check past the deadline ends the hold.
            while (!arrival.IsCompleted)
            {
                await Task.WhenAny(arrival, NextHoldCheck());
                if (!_server.IsRunning || DateTime.UtcNow >= deadline)
                {
                    expired = !arrival.IsCompleted;
                    break;
                }
            }
            if (!_server.IsRunning)
            {
                // The broker stopped while holding: the connection is gone, nothing to answer on.
                return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, "broker stopped");
            }
            allowSuspend = false;
        }
    }
}
