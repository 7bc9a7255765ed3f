using System.Collections.Concurrent;

namespace ImSignalR.Bench;

/// <summary>The counters of one load phase: what was accepted, what arrived, and how late.</summary>
internal sealed class Phase(string prefix)
{
    private readonly List<double> _latenciesMs = new(1 << 16);
    private long _acceptedInWindow;
    private long _deliveredInWindow;
    private long _delivered;
    private long _sendErrors;
    private long _duplicateResults;

    public string Prefix { get; } = prefix;

    public MeasureWindow Window { get; } = new();

    /// <summary>ClientMsgIds the server accepted, keyed to the pair that sent them.</summary>
    public ConcurrentDictionary<string, int> Accepted { get; } = new(StringComparer.Ordinal);

    public long AcceptedInWindow => Interlocked.Read(ref _acceptedInWindow);

    public long DeliveredInWindow => Interlocked.Read(ref _deliveredInWindow);

    /// <summary>First deliveries (after dedupe) of this phase's messages, any time.</summary>
    public long DeliveredUnique => Interlocked.Read(ref _delivered);

    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>Sends the server answered as resends of an accepted message (none are resent here).</summary>
    public long DuplicateResults => Interlocked.Read(ref _duplicateResults);

    public void Sent(string clientMsgId, int pair, long sentAt, bool duplicate)
    {
        Accepted[clientMsgId] = pair;
        if (duplicate)
        {
            Interlocked.Increment(ref _duplicateResults);
        }
        if (Window.Contains(sentAt))
        {
            Interlocked.Increment(ref _acceptedInWindow);
        }
    }

    public void Failed() => Interlocked.Increment(ref _sendErrors);

    /// <summary>A first delivery; the latency counts when the message was sent inside the window.</summary>
    public void Delivered(BenchMessage message, long receivedAt)
    {
        if (!message.ClientMsgId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return;
        }
        Interlocked.Increment(ref _delivered);
        if (Window.Contains(receivedAt))
        {
            Interlocked.Increment(ref _deliveredInWindow);
        }
        var sentAt = Receiver.TimestampOf(message.Content);
        if (Window.Contains(sentAt))
        {
            var ms = System.Diagnostics.Stopwatch.GetElapsedTime(sentAt, receivedAt).TotalMilliseconds;
            lock (_latenciesMs)
            {
                _latenciesMs.Add(ms);
            }
        }
    }

    public LatencyStats Latency()
    {
        lock (_latenciesMs)
        {
            return LatencyStats.From(_latenciesMs);
        }
    }
}
