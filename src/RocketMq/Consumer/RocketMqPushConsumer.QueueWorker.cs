using ImSignalR.RocketMq.Consumer.Internal;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.RocketMq.Consumer;

public sealed partial class RocketMqPushConsumer
{
    /// <summary>
    /// The pull loop of one queue (doc §5): pull with FLAG_SUSPEND (long polling) and FLAG_SUBSCRIPTION (so a
    /// restarted broker that lost our heartbeat still serves us), hand the batch to the handler, commit the
    /// next offset, repeat. Per-queue order holds because one batch is in flight per queue.
    /// </summary>
    private sealed class QueueWorker
    {
        private readonly RocketMqPushConsumer _owner;
        private readonly MessageQueue _queue;
        private readonly CancellationTokenSource _stop;

        private readonly Lock _resetLock = new();
        private long? _resetTo;
        private CancellationTokenSource? _pullCancel;
        private long? _lastCommitted;

        private QueueWorker(RocketMqPushConsumer owner, MessageQueue queue)
        {
            _owner = owner;
            _queue = queue;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(owner._softStop.Token);
        }

        public Task Completion { get; private set; } = Task.CompletedTask;

        public static QueueWorker Start(RocketMqPushConsumer owner, MessageQueue queue)
        {
            var worker = new QueueWorker(owner, queue);
            worker.Completion = Task.Run(worker.RunAsync);
            return worker;
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await IgnoreCancellation(Completion).ConfigureAwait(false);
        }

        /// <summary>
        /// An operator reset (RESET_CONSUMER_CLIENT_OFFSET): the held pull is abandoned, a batch being handled
        /// finishes, then the queue continues from <paramref name="offset"/>, which is committed at once.
        /// </summary>
        public void RequestReset(long offset)
        {
            lock (_resetLock)
            {
                _resetTo = offset;
                _pullCancel?.Cancel();
            }
        }

        private CancellationToken Hard => _owner._hardStop.Token;

        private async Task RunAsync()
        {
            long? offset = null;
            var failures = 0;
            while (!_stop.IsCancellationRequested && !Hard.IsCancellationRequested)
            {
                try
                {
                    if (TakeReset() is { } reset)
                    {
                        RocketMqLog.OffsetReset(_owner._logger, _queue.ToString(), offset ?? -1, reset);
                        offset = reset;
                        await CommitAsync(reset).ConfigureAwait(false);
                    }
                    if (offset is null)
                    {
                        offset = await QueryOffsetAsync().ConfigureAwait(false);
                        _owner._progress.Applied(_queue, offset.Value, null);
                    }
                    offset = await PullOnceAsync(offset.Value).ConfigureAwait(false);
                    failures = 0;
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested || Hard.IsCancellationRequested)
                {
                    break;
                }
                catch (OperationCanceledException) when (HasReset())
                {
                    // The pull was abandoned for a reset; the loop applies it.
                }
                catch (RocketMqProtocolException e)
                {
                    // Java pauses 3 s after a failed pull; doubling up to a bound keeps a long outage from
                    // costing a request every 3 s per queue, and the bound keeps recovery prompt.
                    RocketMqLog.PullFailed(_owner._logger, _queue.ToString(), e);
                    var delay = _owner._options.PullErrorDelay * Math.Pow(2, Math.Min(failures, 10));
                    await Delay(delay < _owner._options.PullErrorDelayMax ? delay : _owner._options.PullErrorDelayMax, wakeable: true).ConfigureAwait(false);
                    failures++;
                }
            }
            _owner._progress.Forget(_queue);
        }

        private long? TakeReset()
        {
            lock (_resetLock)
            {
                var reset = _resetTo;
                _resetTo = null;
                return reset;
            }
        }

        private bool HasReset()
        {
            lock (_resetLock)
            {
                return _resetTo is not null;
            }
        }

        /// <summary>One pull; returns the offset to pull next.</summary>
        private async Task<long> PullOnceAsync(long offset)
        {
            var options = _owner._options;
            var request = RemotingCommand.CreateRequest(RequestCode.PullMessage, new()
            {
                ["consumerGroup"] = _owner._group,
                ["topic"] = _queue.Topic,
                ["queueId"] = Str(_queue.QueueId),
                ["queueOffset"] = Str(offset),
                ["maxMsgNums"] = Str(options.PullBatchSize),
                ["sysFlag"] = Str(PullFlagSuspend | PullFlagSubscription),
                ["commitOffset"] = "0",
                ["suspendTimeoutMillis"] = Str((long)options.PullSuspendTimeout.TotalMilliseconds),
                ["subscription"] = "*",
                ["subVersion"] = Str(_owner._subVersion),
                ["expressionType"] = "TAG",
            });
            request.Version = options.ClientVersion;
            var address = await BrokerAddressAsync().ConfigureAwait(false);
            RemotingCommand response;
            using (var pullCancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                lock (_resetLock)
                {
                    _pullCancel = pullCancel;
                    if (_resetTo is not null)
                    {
                        pullCancel.Cancel();
                    }
                }
                try
                {
                    response = await _owner._client.InvokeAsync(address, request, options.PullTimeout, pullCancel.Token).ConfigureAwait(false);
                }
                finally
                {
                    lock (_resetLock)
                    {
                        _pullCancel = null;
                    }
                }
            }
            var maxOffset = response.GetExt("maxOffset") is { } max && long.TryParse(max, out var m) ? m : (long?)null;
            long next;
            switch (response.Code)
            {
                case ResponseCode.Success:
                    next = response.GetRequiredLong("nextBeginOffset");
                    var messages = MessageDecoder.DecodeAll(response.Body);
                    _owner._progress.Observe(_queue, offset, maxOffset);
                    if (messages.Count > 0)
                    {
                        await ProcessAsync(messages).ConfigureAwait(false);
                    }
                    await CommitAsync(next).ConfigureAwait(false);
                    break;
                case ResponseCode.PullNotFound:
                case ResponseCode.PullRetryImmediately:
                    next = response.GetRequiredLong("nextBeginOffset");
                    // The Java client commits empty queues too (correctTagsOffset): a 4.9.x resetOffsetByTime
                    // refuses a group that lacks an offset on any queue.
                    if (_lastCommitted != next)
                    {
                        await CommitAsync(next).ConfigureAwait(false);
                    }
                    break;
                case ResponseCode.PullOffsetMoved:
                    next = response.GetRequiredLong("nextBeginOffset");
                    RocketMqLog.OffsetMoved(_owner._logger, _queue.ToString(), offset, next, response.Remark ?? "");
                    await CommitAsync(next).ConfigureAwait(false);
                    break;
                default:
                    throw new RocketMqProtocolException($"Pull from {_queue} answered {response.Code}: {response.Remark}", response.Code);
            }
            _owner._progress.Applied(_queue, next, maxOffset);
            return next;
        }

        private async Task ProcessAsync(List<MessageExt> messages)
        {
            if (_queue.Topic == _owner._retryTopic)
            {
                // resetRetryAndNamespace: a retried message is handled as a message of its original topic.
                for (var i = 0; i < messages.Count; i++)
                {
                    if (messages[i].Properties.TryGetValue(MessageProperties.RetryTopic, out var original))
                    {
                        messages[i] = messages[i] with { Topic = original };
                    }
                }
            }
            while (true)
            {
                try
                {
                    await _owner._handler(_queue, messages, Hard).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (Hard.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception e)
                {
                    RocketMqLog.ProcessingFailed(_owner._logger, messages.Count, _queue.ToString(), e);
                }
                try
                {
                    foreach (var message in messages)
                    {
                        await SendBackAsync(message).ConfigureAwait(false);
                    }
                    return;
                }
                catch (RocketMqProtocolException e)
                {
                    // Cannot park the batch on the retry topic either: keep it here and try again later.
                    RocketMqLog.PullFailed(_owner._logger, _queue.ToString(), e);
                    await Delay(_owner._options.PullErrorDelay).ConfigureAwait(false);
                }
            }
        }

        private async Task SendBackAsync(MessageExt message)
        {
            var request = RemotingCommand.CreateRequest(RequestCode.ConsumerSendMsgBack, new()
            {
                ["offset"] = Str(message.CommitLogOffset),
                ["group"] = _owner._group,
                ["delayLevel"] = "0",
                ["originMsgId"] = message.MsgId,
                ["originTopic"] = message.Topic,
                ["unitMode"] = "false",
                ["maxReconsumeTimes"] = Str(MaxReconsumeTimes),
                ["bname"] = _queue.BrokerName,
            });
            request.Version = _owner._options.ClientVersion;
            var address = await BrokerAddressAsync().ConfigureAwait(false);
            var response = await _owner._client.InvokeAsync(address, request, _owner._options.RequestTimeout, Hard).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new RocketMqProtocolException($"CONSUMER_SEND_MSG_BACK answered {response.Code}: {response.Remark}", response.Code);
            }
        }

        /// <summary>UPDATE_CONSUMER_OFFSET with the NEXT offset to consume (doc §7.3, §9.9), as a request so we know it landed.</summary>
        private async Task CommitAsync(long nextOffset)
        {
            var request = RemotingCommand.CreateRequest(RequestCode.UpdateConsumerOffset, new()
            {
                ["consumerGroup"] = _owner._group,
                ["topic"] = _queue.Topic,
                ["queueId"] = Str(_queue.QueueId),
                ["commitOffset"] = Str(nextOffset),
            });
            request.Version = _owner._options.ClientVersion;
            try
            {
                var address = await BrokerAddressAsync().ConfigureAwait(false);
                var response = await _owner._client.InvokeAsync(address, request, _owner._options.RequestTimeout, Hard).ConfigureAwait(false);
                if (response.Code != ResponseCode.Success)
                {
                    throw new RocketMqProtocolException($"UPDATE_CONSUMER_OFFSET answered {response.Code}: {response.Remark}", response.Code);
                }
                _lastCommitted = nextOffset;
            }
            catch (RocketMqProtocolException e)
            {
                // The next successful commit carries a later offset; until then a restart re-reads (idempotently).
                RocketMqLog.CommitFailed(_owner._logger, _queue.ToString(), e);
            }
        }

        /// <summary>QUERY_CONSUMER_OFFSET; QUERY_NOT_FOUND means a new group: start at 0 (FIRST_OFFSET, doc §7.3).</summary>
        private async Task<long> QueryOffsetAsync()
        {
            var request = RemotingCommand.CreateRequest(RequestCode.QueryConsumerOffset, new()
            {
                ["consumerGroup"] = _owner._group,
                ["topic"] = _queue.Topic,
                ["queueId"] = Str(_queue.QueueId),
            });
            request.Version = _owner._options.ClientVersion;
            var address = await BrokerAddressAsync().ConfigureAwait(false);
            var response = await _owner._client.InvokeAsync(address, request, _owner._options.RequestTimeout, _stop.Token).ConfigureAwait(false);
            return response.Code switch
            {
                ResponseCode.Success => response.GetRequiredLong("offset"),
                ResponseCode.QueryNotFound => 0,
                _ => throw new RocketMqProtocolException($"QUERY_CONSUMER_OFFSET answered {response.Code}: {response.Remark}", response.Code),
            };
        }

        private async Task<string> BrokerAddressAsync()
        {
            var route = await _owner._routes.GetAsync(_queue.Topic, _stop.Token).ConfigureAwait(false);
            return route?.MasterAddress(_queue.BrokerName)
                ?? throw new RocketMqProtocolException($"No master broker for {_queue}.");
        }

        private async Task Delay(TimeSpan delay, bool wakeable = false)
        {
            try
            {
                var sleep = Task.Delay(delay, _stop.Token);
                await (wakeable ? Task.WhenAny(sleep, _owner._progress.NextWake) : sleep).ConfigureAwait(false);
                await (sleep.IsCompleted ? sleep : Task.CompletedTask).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
