using System.Text;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.IntegrationTests.RocketMq.Double;

internal sealed partial class DoubleBroker
{
    /// <summary>
    /// INVOKE_BROKER_TO_RESET_OFFSET (222), what <c>mqadmin resetOffsetByTime</c> sends to each broker.
    /// 4.9.x (<c>Broker2Client.resetOffset</c>): every write queue needs a committed offset of the group, else
    /// SYSTEM_ERROR "THe consumer group &lt;g&gt; not exist"; the new offsets go ONEWAY to every consumer channel of
    /// the group as RESET_CONSUMER_CLIENT_OFFSET (220) with a fastjson body whose map keys are MessageQueue objects.
    /// 5.x (server-side reset): the offsets are stored and the next pull of each queue answers PULL_OFFSET_MOVED.
    /// </summary>
    private RemotingCommand ResetOffset(RemotingCommand request)
    {
        var topic = request.GetRequiredExt("topic");
        var group = request.GetRequiredExt("group");
        var timestamp = request.GetRequiredLong("timestamp");
        var force = string.Equals(request.GetExt("isForce"), "true", StringComparison.OrdinalIgnoreCase);
        var (code, remark, table, channels) = ComputeReset(topic, group, timestamp, force);
        var response = RemotingCommand.CreateResponse(request, code, remark);
        if (code != ResponseCode.Success)
        {
            return response;
        }
        var body = ResetBody(topic, table);
        response.Body = body;
        foreach (var channel in channels)
        {
            var push = RemotingCommand.CreateRequest(RequestCode.ResetConsumerClientOffset, new()
            {
                ["topic"] = topic,
                ["group"] = group,
                ["timestamp"] = Str(timestamp),
                ["isForce"] = force ? "true" : "false",
            });
            push.Body = body;
            _ = _server.SendOnewayAsync(channel, push);
        }
        return response;
    }

    /// <summary>The same reset, called directly by tests; answers the response code and remark.</summary>
    public (int Code, string? Remark) ResetOffsetByTime(string group, string topic, long timestamp, bool force = true)
    {
        var request = RemotingCommand.CreateRequest(RequestCode.InvokeBrokerToResetOffset, new()
        {
            ["topic"] = topic,
            ["group"] = group,
            ["timestamp"] = Str(timestamp),
            ["isForce"] = force ? "true" : "false",
        });
        var response = ResetOffset(request);
        return (response.Code, response.Remark);
    }

    private (int Code, string? Remark, List<(int Queue, long Offset)> Table, RemotingConnection[] Channels) ComputeReset(
        string topic, string group, long timestamp, bool force)
    {
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var config))
            {
                return (ResponseCode.SystemError, $"[reset-offset] reset offset failed, no topic in this broker. topic={topic}", [], []);
            }
            var table = new List<(int Queue, long Offset)>();
            for (var q = 0; q < config.WriteQueues; q++)
            {
                var committed = _consumerOffsets.TryGetValue((group, topic, q), out var c) ? c : -1;
                if (committed < 0 && Flavour == BrokerFlavour.V4_9)
                {
                    return (ResponseCode.SystemError, $"THe consumer group <{group}> not exist", [], []);
                }
                var byTime = OffsetInQueueByTime(topic, q, timestamp);
                table.Add((q, force || byTime < committed ? byTime : committed));
            }
            if (Flavour == BrokerFlavour.V5)
            {
                foreach (var (q, offset) in table)
                {
                    _consumerOffsets[(group, topic, q)] = offset;
                    _pendingResets[(group, topic, q)] = offset;
                }
                return (ResponseCode.Success, null, table, []);
            }
            var channels = _groups.TryGetValue(group, out var members) ? members.Values.Distinct().ToArray() : [];
            return (ResponseCode.Success, null, table, channels);
        }
    }

    /// <summary>The first offset stored at or after <paramref name="timestamp"/>; the max offset when none is. Caller holds the gate.</summary>
    private long OffsetInQueueByTime(string topic, int queue, long timestamp)
    {
        var log = _queues.GetValueOrDefault((topic, queue)) ?? [];
        var first = log.FindIndex(r => r.StoreTimestamp >= timestamp);
        return first < 0 ? log.Count : first;
    }

    /// <summary>
    /// <c>ResetOffsetBody</c> as fastjson writes it: <c>Map&lt;MessageQueue,Long&gt;</c> with each key an object
    /// (fields in alphabetical order), not a string: <c>{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:5}}</c>.
    /// </summary>
    private byte[] ResetBody(string topic, List<(int Queue, long Offset)> table)
    {
        var sb = new StringBuilder("{\"offsetTable\":{");
        sb.AppendJoin(',', table.Select(e => $"{{\"brokerName\":\"{Name}\",\"queueId\":{e.Queue},\"topic\":\"{topic}\"}}:{e.Offset}"));
        sb.Append("}}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
