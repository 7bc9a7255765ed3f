using System.Globalization;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Logging;

namespace ImSignalR.RocketMq.ReadYourWrites;

/// <summary>
/// Read-your-writes in RocketMQ mode: an accepted send is on the broker (SEND_OK) before the persistence
/// consumer has written it to the store. Before a read, this takes the END of the chat's queue (GET_MAX_OFFSET,
/// a position every accepted send of that chat lies before) and waits until the consumer group has applied up to
/// it — the local consumer's progress when this process owns the queue, else the group's committed offset
/// (QUERY_CONSUMER_OFFSET; our consumer commits only after the store applied the batch). The wait is bounded by
/// <see cref="RocketMqOptions.ReadYourWritesTimeout"/>: past it, or when the broker cannot be asked, the read goes
/// ahead (as before this existed) and is counted, so a stalled consumer slows reads but never blocks them.
/// </summary>
internal sealed partial class ReadYourWritesBarrier : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan WakeInterval = TimeSpan.FromMilliseconds(250);

    private readonly RocketMqOptions _options;
    private readonly LocalConsumerRegistry _local;
    private readonly ILogger _logger;
    private readonly IRemotingClient _client;
    private readonly TopicRouteCache _routes;
    private long _timeouts;

    public ReadYourWritesBarrier(RocketMqOptions options, LocalConsumerRegistry local, ILogger<ReadYourWritesBarrier> logger)
        : this(new RemotingClient(options.ConnectTimeout, logger), options, local, logger)
    {
    }

    internal ReadYourWritesBarrier(IRemotingClient client, RocketMqOptions options, LocalConsumerRegistry local, ILogger logger)
    {
        _options = options;
        _local = local;
        _logger = logger;
        _client = client;
        _routes = new TopicRouteCache(client, options, logger);
    }

    /// <summary>Reads that went ahead unconfirmed (timeout or broker error).</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    public bool Enabled => _options.ReadYourWritesTimeout > TimeSpan.Zero;

    /// <summary>Waits until every event of <paramref name="chatId"/> accepted before this call is applied.</summary>
    public async Task WaitForChatAsync(string chatId, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }
        await WaitAsync(route => [route.ShardingQueue(_options.Topic, chatId)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until every event accepted before this call, on any queue, is applied.</summary>
    public async Task WaitForAllAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }
        await WaitAsync(route => route.PublishQueues(_options.Topic), cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitAsync(Func<TopicRouteData, IReadOnlyList<MessageQueue>> select, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadYourWritesTimeout);
        try
        {
            while (true)
            {
                try
                {
                    await WaitOnceAsync(select, timeout.Token).ConfigureAwait(false);
                    return;
                }
                catch (RocketMqProtocolException e) when (e.IsTransport && !timeout.IsCancellationRequested)
                {
                    // One request that timed out or lost its connection: ask again while the bound allows.
                    await Task.Delay(PollInterval, timeout.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _timeouts);
            RocketMqLog.ReadBarrierGaveUp(_logger, (int)_options.ReadYourWritesTimeout.TotalMilliseconds, "the consumer is behind");
        }
        catch (RocketMqProtocolException e)
        {
            Interlocked.Increment(ref _timeouts);
            RocketMqLog.ReadBarrierGaveUp(_logger, (int)_options.ReadYourWritesTimeout.TotalMilliseconds, e.Message);
        }
    }

    private async Task WaitOnceAsync(Func<TopicRouteData, IReadOnlyList<MessageQueue>> select, CancellationToken timeout)
    {
        if (await _routes.GetAsync(_options.Topic, timeout).ConfigureAwait(false) is not { } route)
        {
            return; // no topic yet: nothing was ever accepted
        }
        var queues = select(route).Where(q => route.MasterAddress(q.BrokerName) is not null).ToList();
        var targets = await Task.WhenAll(queues.Select(q => MaxOffsetAsync(route, q, timeout))).ConfigureAwait(false);
        var pending = queues.Zip(targets).Where(p => p.Second > 0).ToList();
        var nextWake = 0L;
        while (pending.Count > 0)
        {
            if (Environment.TickCount64 >= nextWake)
            {
                // The broker answers us: a local consumer backing off after an outage may pull again now. Again
                // every WakeInterval while we wait, since a queue whose pull failed just after a wake sleeps out
                // its backoff (3–10 s), longer than this wait.
                foreach (var local in _local.All)
                {
                    local.Wake();
                }
                nextWake = Environment.TickCount64 + (long)WakeInterval.TotalMilliseconds;
            }
            var advance = _local.All.Select(p => p.NextAdvance).ToList();
            var applied = await Task.WhenAll(pending.Select(p => AppliedAsync(route, p.First, _options.ConsumerGroup, timeout))).ConfigureAwait(false);
            pending = pending.Where((p, i) => applied[i] < p.Second).ToList();
            if (pending.Count > 0)
            {
                await Task.WhenAny(advance.Append(Task.Delay(PollInterval, timeout))).ConfigureAwait(false);
                timeout.ThrowIfCancellationRequested();
            }
        }
    }

    private async Task<long> MaxOffsetAsync(TopicRouteData route, MessageQueue queue, CancellationToken cancellationToken)
    {
        var response = await InvokeAsync(route, queue, RequestCode.GetMaxOffset, new()
        {
            ["topic"] = queue.Topic,
            ["queueId"] = queue.QueueId.ToString(CultureInfo.InvariantCulture),
        }, cancellationToken).ConfigureAwait(false);
        return response.Code == ResponseCode.Success
            ? response.GetRequiredLong("offset")
            : throw new RocketMqProtocolException($"GET_MAX_OFFSET answered {response.Code}: {response.Remark}", response.Code);
    }

    private async Task<long> AppliedAsync(TopicRouteData route, MessageQueue queue, string consumerGroup, CancellationToken cancellationToken)
    {
        if (_local.Owner(queue)?.AppliedOffset(queue) is { } local)
        {
            return local;
        }
        var response = await InvokeAsync(route, queue, RequestCode.QueryConsumerOffset, new()
        {
            ["consumerGroup"] = consumerGroup,
            ["topic"] = queue.Topic,
            ["queueId"] = queue.QueueId.ToString(CultureInfo.InvariantCulture),
            ["setZeroIfNotFound"] = "false",
        }, cancellationToken).ConfigureAwait(false);
        return response.Code switch
        {
            ResponseCode.Success => response.GetRequiredLong("offset"),
            ResponseCode.QueryNotFound => 0,
            _ => throw new RocketMqProtocolException($"QUERY_CONSUMER_OFFSET answered {response.Code}: {response.Remark}", response.Code),
        };
    }

    private Task<RemotingCommand> InvokeAsync(TopicRouteData route, MessageQueue queue, int code, Dictionary<string, string> ext, CancellationToken cancellationToken)
    {
        var request = RemotingCommand.CreateRequest(code, ext);
        request.Version = _options.ClientVersion;
        return _client.InvokeAsync(route.MasterAddress(queue.BrokerName)!, request, _options.RequestTimeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _routes.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }
}
