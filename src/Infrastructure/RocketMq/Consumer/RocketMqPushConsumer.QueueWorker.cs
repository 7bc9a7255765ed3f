using ImSignalR.Infrastructure.RocketMq.Consumer.Internal;
using ImSignalR.Infrastructure.RocketMq.Internal;
using ImSignalR.Infrastructure.RocketMq.Remoting;

namespace ImSignalR.Infrastructure.RocketMq.Consumer;

internal sealed partial class RocketMqPushConsumer
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

        private CancellationToken Hard => _owner._hardStop.Token;

        private async Task RunAsync()
        {
            long? offset = null;
            while (!_stop.IsCancellationRequested && !Hard.IsCancellationRequested)
            {
                try
                {
                    offset ??= await QueryOffsetAsync().ConfigureAwait(false);
                    offset = await PullOnceAsync(offset.Value).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested || Hard.IsCancellationRequested)
                {
                    return;
                }
                catch (RocketMqProtocolException e)
                {
                    RocketMqLog.PullFailed(_owner._logger, _queue.ToString(), e);
                    await Delay(_owner._options.PullErrorDelay).ConfigureAwait(false);
                }
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
            var response = await _owner._client.InvokeAsync(
                address, request, options.PullSuspendTimeout + options.RequestTimeout, _stop.Token).ConfigureAwait(false);
            switch (response.Code)
            {
                case ResponseCode.Success:
                    var next = response.GetRequiredLong("nextBeginOffset");
                    var messages = MessageDecoder.DecodeAll(response.Body);
                    if (messages.Count > 0)
                    {
                        await ProcessAsync(messages).ConfigureAwait(false);
                    }
                    await CommitAsync(next).ConfigureAwait(false);
                    return next;
                case ResponseCode.PullNotFound:
                case ResponseCode.PullRetryImmediately:
                    return response.GetRequiredLong("nextBeginOffset");
                case ResponseCode.PullOffsetMoved:
                    var moved = response.GetRequiredLong("nextBeginOffset");
                    await CommitAsync(moved).ConfigureAwait(false);
                    return moved;
                default:
                    throw new RocketMqProtocolException($"Pull from {_queue} answered {response.Code}: {response.Remark}", response.Code);
            }
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

        private async Task Delay(TimeSpan delay)
        {
            try
            {
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
