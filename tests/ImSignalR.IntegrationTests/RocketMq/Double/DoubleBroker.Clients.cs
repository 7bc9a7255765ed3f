using System.Globalization;
using System.Text;
using System.Text.Json;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.IntegrationTests.RocketMq.Double;

/// <summary>Clients of the broker, as Apache's ClientManageProcessor keeps them: heartbeats register producers and consumers by group, unregistering or a closed connection drops them, and a consumer group's change is pushed as NOTIFY_CONSUMER_IDS_CHANGED.</summary>
internal sealed partial class DoubleBroker
{
    private RemotingCommand Heartbeat(RemotingConnection connection, RemotingCommand request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        var clientId = doc.RootElement.GetProperty("clientID").GetString()!;
        var notify = new List<(string Group, RemotingConnection[] Channels)>();
        lock (_gate)
        {
            if (doc.RootElement.TryGetProperty("producerDataSet", out var producers))
            {
                foreach (var producer in producers.EnumerateArray())
                {
                    var group = producer.GetProperty("groupName").GetString()!;
                    if (!_producers.TryGetValue(group, out var members))
                    {
                        members = _producers[group] = new Dictionary<string, RemotingConnection>(StringComparer.Ordinal);
                    }
                    members[clientId] = connection;
                }
            }
            if (doc.RootElement.TryGetProperty("consumerDataSet", out var consumers))
            {
                foreach (var consumer in consumers.EnumerateArray())
                {
                    var group = consumer.GetProperty("groupName").GetString()!;
                    // The broker creates the group's retry topic: 1 queue, perm 6 (doc §7.1).
                    _topics.TryAdd("%RETRY%" + group, new TopicConfig(1, 1, PermRw));
                    if (!_groups.TryGetValue(group, out var members))
                    {
                        members = _groups[group] = new Dictionary<string, RemotingConnection>(StringComparer.Ordinal);
                    }
                    var changed = !members.TryGetValue(clientId, out var existing) || existing != connection;
                    members[clientId] = connection;
                    if (changed)
                    {
                        notify.Add((group, [.. members.Values.Distinct()]));
                    }
                }
            }
        }
        NotifyIdsChanged(notify);
        var response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.ExtFields = new() { ["IS_SUPPORT_HEART_BEAT_V2"] = "true", ["IS_SUB_CHANGE"] = "true" };
        return response;
    }

    private RemotingCommand Unregister(RemotingCommand request)
    {
        var clientId = request.GetRequiredExt("clientID");
        var group = request.GetExt("consumerGroup");
        var notify = new List<(string Group, RemotingConnection[] Channels)>();
        lock (_gate)
        {
            if (request.GetExt("producerGroup") is { } producerGroup && _producers.TryGetValue(producerGroup, out var producers))
            {
                producers.Remove(clientId);
            }
            if (group is not null && _groups.TryGetValue(group, out var members) && members.Remove(clientId))
            {
                notify.Add((group, [.. members.Values.Distinct()]));
            }
        }
        NotifyIdsChanged(notify);
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private void OnConnectionClosed(RemotingConnection connection)
    {
        var notify = new List<(string Group, RemotingConnection[] Channels)>();
        lock (_gate)
        {
            foreach (var producers in _producers.Values)
            {
                foreach (var id in producers.Where(m => m.Value == connection).Select(m => m.Key).ToList())
                {
                    producers.Remove(id);
                }
            }
            foreach (var (group, members) in _groups)
            {
                var gone = members.Where(m => m.Value == connection).Select(m => m.Key).ToList();
                foreach (var id in gone)
                {
                    members.Remove(id);
                }
                if (gone.Count > 0)
                {
                    notify.Add((group, [.. members.Values.Distinct()]));
                }
            }
        }
        NotifyIdsChanged(notify);
    }

    private void NotifyIdsChanged(List<(string Group, RemotingConnection[] Channels)> notify)
    {
        foreach (var (group, channels) in notify)
        {
            foreach (var channel in channels)
            {
                _ = _server.SendOnewayAsync(channel, RemotingCommand.CreateRequest(RequestCode.NotifyConsumerIdsChanged, new() { ["consumerGroup"] = group }));
            }
        }
    }

    private RemotingCommand ConsumerList(RemotingCommand request)
    {
        var group = request.GetRequiredExt("consumerGroup");
        if (DateTime.UtcNow < BusyConsumerListUntil)
        {
            return RemotingCommand.CreateResponse(request, ResponseCode.SystemBusy, "[PCBUSY_CLEAN_QUEUE]broker busy");
        }
        lock (_gate)
        {
            if (!_groups.TryGetValue(group, out var members) || members.Count == 0)
            {
                return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, $"no consumer for this group, {group}");
            }
            var response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
            response.Body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string[]> { ["consumerIdList"] = [.. members.Keys] });
            return response;
        }
    }
}
