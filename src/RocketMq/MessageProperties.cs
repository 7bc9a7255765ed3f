using System.Text;

namespace ImSignalR.RocketMq;

/// <summary>
/// The message properties string (doc §3.2, <c>MessageDecoder.messageProperties2String</c>):
/// <c>name 0x01 value 0x02</c> per entry with a non-null value, trailing 0x02 included. Parsing keeps an entry
/// only when both key and value are non-empty, so empty values are dropped, as in Java.
/// </summary>
internal static class MessageProperties
{
    public const string Keys = "KEYS";
    public const string Tags = "TAGS";
    public const string Wait = "WAIT";
    public const string UniqKey = "UNIQ_KEY";
    public const string RetryTopic = "RETRY_TOPIC";
    public const string ReconsumeTime = "RECONSUME_TIME";
    public const string MaxReconsumeTimes = "MAX_RECONSUME_TIMES";
    public const string OriginMessageId = "ORIGIN_MESSAGE_ID";
    public const string Cluster = "CLUSTER";

    private const char NameValueSeparator = '\u0001';
    private const char PropertySeparator = '\u0002';

    public static string Encode(IEnumerable<KeyValuePair<string, string?>> properties)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in properties)
        {
            if (value is null)
            {
                continue;
            }
            sb.Append(name).Append(NameValueSeparator).Append(value).Append(PropertySeparator);
        }
        var text = sb.ToString();
        if (Encoding.UTF8.GetByteCount(text) > Remoting.RemotingLimits.MaxPropertiesLength)
        {
            throw new Remoting.RocketMqProtocolException($"Message properties exceed {Remoting.RemotingLimits.MaxPropertiesLength} bytes.");
        }
        return text;
    }

    public static Dictionary<string, string> Decode(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }
        foreach (var segment in text.Split(PropertySeparator))
        {
            if (segment.Length < 3)
            {
                continue;
            }
            var sep = segment.IndexOf(NameValueSeparator);
            if (sep > 0 && sep < segment.Length - 1)
            {
                result[segment[..sep]] = segment[(sep + 1)..];
            }
        }
        return result;
    }
}
