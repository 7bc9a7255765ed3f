using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using ImSignalR.RocketMq.Consumer.Internal;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Logging;

namespace ImSignalR.RocketMq.Consumer;

/// <summary>The consumer's side of the broker handshake: heartbeats with the subscription, the queues' max offsets for the lag gauge, and the UNREGISTER_CLIENT of a graceful stop.</summary>
public sealed partial class RocketMqPushConsumer
{
    private async Task HeartbeatAllAsync(CancellationToken cancellationToken)
    {
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in new[] { _topic, _retryTopic })
        {
            try
            {
                var route = await _routes.RefreshAsync(topic, cancellationToken).ConfigureAwait(false);
                if (route is not null)
                {
                    addresses.UnionWith(route.AllBrokerAddresses());
                }
            }
            catch (RocketMqProtocolException e)
            {
                RocketMqLog.RouteRefreshFailed(_logger, topic, e);
                if (await _routes.GetAsync(topic, cancellationToken).ConfigureAwait(false) is { } cached)
                {
                    addresses.UnionWith(cached.AllBrokerAddresses());
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        var body = BuildHeartbeat();
        foreach (var address in addresses)
        {
            var request = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
            request.Version = _options.ClientVersion;
            request.Body = body;
            try
            {
                var response = await _client.InvokeAsync(address, request, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
                if (response.Code != ResponseCode.Success)
                {
                    RocketMqLog.HeartbeatFailed(_logger, address, $"{response.Code} {response.Remark}");
                }
            }
            catch (RocketMqProtocolException e)
            {
                RocketMqLog.HeartbeatFailed(_logger, address, e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// GET_MAX_OFFSET of each owned queue, so the lag gauge stays true while a batch takes long (pull answers
    /// report the max only when a pull completes). One request per owned queue per heartbeat interval.
    /// </summary>
    private async Task RefreshMaxOffsetsAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in AssignedQueues)
        {
            try
            {
                if ((await _routes.GetAsync(queue.Topic, cancellationToken).ConfigureAwait(false))?.MasterAddress(queue.BrokerName) is not { } address)
                {
                    continue;
                }
                var request = RemotingCommand.CreateRequest(RequestCode.GetMaxOffset, new() { ["topic"] = queue.Topic, ["queueId"] = Str(queue.QueueId) });
                request.Version = _options.ClientVersion;
                var response = await _client.InvokeAsync(address, request, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
                if (response.Code == ResponseCode.Success && response.GetExt("offset") is { } text && long.TryParse(text, out var max))
                {
                    _progress.ObserveMax(queue, max);
                }
            }
            catch (RocketMqProtocolException)
            {
                // The gauge keeps the last known value; pulls report the failure.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>HeartbeatData JSON, camelCase keys in fastjson order (doc §7.1).</summary>
    private byte[] BuildHeartbeat()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("clientID", ClientId);
            w.WriteStartArray("consumerDataSet");
            w.WriteStartObject();
            w.WriteString("consumeFromWhere", "CONSUME_FROM_FIRST_OFFSET");
            w.WriteString("consumeType", "CONSUME_PASSIVELY");
            w.WriteString("groupName", _group);
            w.WriteString("messageModel", "CLUSTERING");
            w.WriteStartArray("subscriptionDataSet");
            foreach (var (topic, version) in new[] { (_topic, _subVersion), (_retryTopic, _subVersion + 1) })
            {
                w.WriteStartObject();
                w.WriteBoolean("classFilterMode", false);
                w.WriteStartArray("codeSet");
                w.WriteEndArray();
                w.WriteString("expressionType", "TAG");
                w.WriteString("subString", "*");
                w.WriteNumber("subVersion", version);
                w.WriteStartArray("tagsSet");
                w.WriteEndArray();
                w.WriteString("topic", topic);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("unitMode", false);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNumber("heartbeatFingerprint", 0);
            w.WriteStartArray("producerDataSet");
            w.WriteStartObject();
            w.WriteString("groupName", "CLIENT_INNER_PRODUCER");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteBoolean("withoutSub", false);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private async Task UnregisterAsync(CancellationToken cancellationToken)
    {
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in new[] { _topic, _retryTopic })
        {
            try
            {
                if (await _routes.GetAsync(topic, cancellationToken).ConfigureAwait(false) is { } route)
                {
                    addresses.UnionWith(route.AllBrokerAddresses());
                }
            }
            catch (RocketMqProtocolException)
            {
            }
        }
        foreach (var address in addresses)
        {
            var request = RemotingCommand.CreateRequest(RequestCode.UnregisterClient, new() { ["clientID"] = ClientId, ["consumerGroup"] = _group });
            request.Version = _options.ClientVersion;
            try
            {
                await _client.InvokeAsync(address, request, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (RocketMqProtocolException e)
            {
                RocketMqLog.HeartbeatFailed(_logger, address, e.Message);
            }
        }
    }
}
