using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ImSignalR.RocketMq.Internal;

/// <summary>
/// Parses TopicRouteData. NameServers ≤ 4.9.3 (and newer ones asked by a client with version &lt; 401 without
/// <c>acceptStandardJsonOnly</c>) write <c>brokerAddrs</c> with bare integer keys, <c>{0:"10.0.0.1:10911"}</c>,
/// which System.Text.Json rejects (doc §4.2, §9.1). <see cref="QuoteBareIntegerKeys"/> quotes them first,
/// outside strings only. <c>topicSynFlag</c>/<c>topicSysFlag</c> and unknown fields are ignored (§9.2).
/// </summary>
internal static class TopicRouteJson
{
    public static TopicRouteData Parse(ReadOnlySpan<byte> body)
    {
        var json = QuoteBareIntegerKeys(Encoding.UTF8.GetString(body));
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var queues = new List<QueueData>();
            if (root.TryGetProperty("queueDatas", out var qds) && qds.ValueKind == JsonValueKind.Array)
            {
                foreach (var q in qds.EnumerateArray())
                {
                    queues.Add(new QueueData(
                        q.GetProperty("brokerName").GetString()!,
                        q.GetProperty("readQueueNums").GetInt32(),
                        q.GetProperty("writeQueueNums").GetInt32(),
                        q.GetProperty("perm").GetInt32()));
                }
            }
            var brokers = new List<BrokerData>();
            if (root.TryGetProperty("brokerDatas", out var bds) && bds.ValueKind == JsonValueKind.Array)
            {
                foreach (var b in bds.EnumerateArray())
                {
                    var addrs = new Dictionary<long, string>();
                    if (b.TryGetProperty("brokerAddrs", out var map) && map.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var entry in map.EnumerateObject())
                        {
                            addrs[long.Parse(entry.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)] = entry.Value.GetString()!;
                        }
                    }
                    brokers.Add(new BrokerData(
                        b.TryGetProperty("cluster", out var c) ? c.GetString() ?? "" : "",
                        b.GetProperty("brokerName").GetString()!,
                        addrs));
                }
            }
            var order = root.TryGetProperty("orderTopicConf", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            return new TopicRouteData(queues, brokers, order);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new Remoting.RocketMqProtocolException($"Malformed TopicRouteData: {e.Message}", null, e);
        }
    }

    /// <summary>Quotes object keys that are bare integers, e.g. <c>{0:"a",-1:"b"}</c> → <c>{"0":"a","-1":"b"}</c>.</summary>
    public static string QuoteBareIntegerKeys(string json)
    {
        var sb = new StringBuilder(json.Length + 16);
        var inString = false;
        var expectKey = false;
        for (var i = 0; i < json.Length; i++)
        {
            var ch = json[i];
            if (inString)
            {
                sb.Append(ch);
                if (ch == '\\' && i + 1 < json.Length)
                {
                    sb.Append(json[++i]);
                }
                else if (ch == '"')
                {
                    inString = false;
                }
                continue;
            }
            if (expectKey && (char.IsAsciiDigit(ch) || ch == '-'))
            {
                var end = i + 1;
                while (end < json.Length && char.IsAsciiDigit(json[end]))
                {
                    end++;
                }
                var after = end;
                while (after < json.Length && char.IsWhiteSpace(json[after]))
                {
                    after++;
                }
                if (after < json.Length && json[after] == ':')
                {
                    sb.Append('"').Append(json, i, end - i).Append('"');
                    i = end - 1;
                    expectKey = false;
                    continue;
                }
            }
            if (ch == '"')
            {
                inString = true;
            }
            if (!char.IsWhiteSpace(ch))
            {
                expectKey = ch is '{' or ',';
            }
            sb.Append(ch);
        }
        return sb.ToString();
    }
}
