using System.Buffers;
using System.Text;

namespace ImSignalR.RocketMq.Remoting;

/// <summary>
/// The one exception type of the RocketMQ client: malformed or over-limit frames, error replies from a
/// NameServer or broker, and unreachable servers. <see cref="ResponseCode"/> is the server's code when
/// the server answered, otherwise <c>null</c>.
/// </summary>
public sealed class RocketMqProtocolException : Exception
{
    public RocketMqProtocolException(string message, int? responseCode = null, Exception? inner = null)
        : base(message, inner)
    {
        ResponseCode = responseCode;
    }

    public int? ResponseCode { get; }

    /// <summary>True when the failure is on the way to the server (not reached, timed out, closed).</summary>
    public bool IsTransport { get; init; }

    internal static RocketMqProtocolException Malformed(string what, ReadOnlySequence<byte> bytes) =>
        new($"Malformed RocketMQ frame: {what}. Bytes: {Escape(bytes)}");

    internal static RocketMqProtocolException Transport(string message, Exception? inner = null) =>
        new(message, null, inner) { IsTransport = true };

    private static string Escape(ReadOnlySequence<byte> bytes)
    {
        // Only the start: enough to recognise the frame without flooding the log.
        const int MaxShown = 64;
        var sb = new StringBuilder();
        var shown = 0;
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if (shown++ == MaxShown)
                {
                    return sb.Append("...").ToString();
                }
                sb.Append(b is >= 0x20 and < 0x7f && b != (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}");
            }
        }
        return sb.ToString();
    }
}
