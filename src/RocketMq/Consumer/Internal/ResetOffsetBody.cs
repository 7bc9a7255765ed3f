using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ImSignalR.RocketMq.Consumer.Internal;

/// <summary>
/// The body of RESET_CONSUMER_CLIENT_OFFSET (220): fastjson's <c>ResetOffsetBody</c>, a
/// <c>Map&lt;MessageQueue,Long&gt;</c> that fastjson writes with each KEY an object, which is not JSON:
/// <c>{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:42}}</c>. Keys quoted as strings that hold
/// such an object are accepted too. Anything else is a <see cref="FormatException"/>.
/// </summary>
internal static class ResetOffsetBody
{
    private const int MaxEntries = 4096;

    public static IReadOnlyList<(MessageQueue Queue, long Offset)> Parse(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        var i = text.IndexOf("\"offsetTable\"", StringComparison.Ordinal);
        if (i < 0)
        {
            throw new FormatException("The reset body has no offsetTable.");
        }
        i = Expect(text, SkipSpace(text, i + "\"offsetTable\"".Length), ':');
        i = Expect(text, SkipSpace(text, i), '{');
        var result = new List<(MessageQueue, long)>();
        i = SkipSpace(text, i);
        if (i < text.Length && text[i] == '}')
        {
            return result;
        }
        while (true)
        {
            i = SkipSpace(text, i);
            string keyJson;
            if (i < text.Length && text[i] == '{')
            {
                var end = MatchingBrace(text, i);
                keyJson = text[i..(end + 1)];
                i = end + 1;
            }
            else if (i < text.Length && text[i] == '"')
            {
                var end = StringEnd(text, i);
                keyJson = JsonSerializer.Deserialize<string>(text[i..(end + 1)]) ?? "";
                i = end + 1;
            }
            else
            {
                throw new FormatException($"Unexpected character at {i} of the reset body.");
            }
            i = Expect(text, SkipSpace(text, i), ':');
            i = SkipSpace(text, i);
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '-'))
            {
                i++;
            }
            if (!long.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset) || offset < 0)
            {
                throw new FormatException($"The reset offset at {start} is not a non-negative integer.");
            }
            result.Add((ParseQueue(keyJson), offset));
            if (result.Count > MaxEntries)
            {
                throw new FormatException($"The reset body lists more than {MaxEntries} queues.");
            }
            i = SkipSpace(text, i);
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }
            Expect(text, i, '}');
            return result;
        }
    }

    private static MessageQueue ParseQueue(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var topic = root.GetProperty("topic").GetString();
            var broker = root.GetProperty("brokerName").GetString();
            var queueId = root.GetProperty("queueId").GetInt32();
            if (string.IsNullOrEmpty(topic) || string.IsNullOrEmpty(broker) || queueId < 0)
            {
                throw new FormatException("A reset queue lacks its topic, broker or queue id.");
            }
            return new MessageQueue(topic, broker, queueId);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("A reset queue key is not a MessageQueue object.", e);
        }
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        return i;
    }

    private static int Expect(string text, int i, char c) =>
        i < text.Length && text[i] == c ? i + 1 : throw new FormatException($"Expected '{c}' at {i} of the reset body.");

    private static int StringEnd(string text, int i)
    {
        for (var j = i + 1; j < text.Length; j++)
        {
            if (text[j] == '\\')
            {
                j++;
            }
            else if (text[j] == '"')
            {
                return j;
            }
        }
        throw new FormatException("Unterminated string in the reset body.");
    }

    private static int MatchingBrace(string text, int i)
    {
        var depth = 0;
        for (var j = i; j < text.Length; j++)
        {
            switch (text[j])
            {
                case '"':
                    j = StringEnd(text, j);
                    break;
                case '{':
                    depth++;
                    break;
                case '}':
                    if (--depth == 0)
                    {
                        return j;
                    }
                    break;
            }
        }
        throw new FormatException("Unbalanced braces in the reset body.");
    }
}
