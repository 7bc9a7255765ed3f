using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Bench;

/// <summary>
/// One receiving user: counts pushes, dedupes by msgId as an app would, measures send → receive
/// latency from the timestamp in the content, and acks (Delivered) in batches off the dispatch path.
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    // The hub accepts at most this many ids per Ack (Im:Limits:MaxAckIds).
    private const int MaxAckIds = 200;
    private static readonly TimeSpan AckInterval = TimeSpan.FromMilliseconds(5);

    private readonly HubConnection _connection;
    private readonly bool _acks;
    private readonly HashSet<string> _seenMsgIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _msgIdByClientId = new(StringComparer.Ordinal);
    private readonly List<string> _pendingAcks = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _ackLoop;
    private Phase? _phase;

    public Receiver(HubConnection connection, bool acks)
    {
        _connection = connection;
        _acks = acks;
        // Handlers run one at a time per connection (the client dispatches in order): no locks on the counters.
        connection.On<BenchMessage>("ReceiveC2C", OnMessage);
    }

    public long RawPushes { get; private set; }

    /// <summary>Pushes of a msgId already seen (server re-pushes; the app drops them).</summary>
    public long Repushes { get; private set; }

    /// <summary>One clientMsgId delivered under two msgIds: a duplicate the app would show.</summary>
    public long AppDuplicates { get; private set; }

    public long AckErrors { get; private set; }

    public void Start(Phase phase)
    {
        _phase = phase;
        if (_acks)
        {
            _ackLoop ??= Task.Run(AckLoopAsync);
        }
    }

    public bool HasSeen(string clientMsgId)
    {
        lock (_msgIdByClientId)
        {
            return _msgIdByClientId.ContainsKey(clientMsgId);
        }
    }

    public int PendingAcks
    {
        get
        {
            lock (_pendingAcks)
            {
                return _pendingAcks.Count;
            }
        }
    }

    private Task OnMessage(BenchMessage message)
    {
        var now = Stopwatch.GetTimestamp();
        RawPushes++;
        if (!_seenMsgIds.Add(message.MsgId))
        {
            Repushes++;
            Ack(message.MsgId);
            return Task.CompletedTask;
        }
        lock (_msgIdByClientId)
        {
            if (!_msgIdByClientId.TryAdd(message.ClientMsgId, message.MsgId))
            {
                AppDuplicates++;
            }
        }
        Ack(message.MsgId);
        _phase?.Delivered(message, now);
        return Task.CompletedTask;
    }

    private void Ack(string msgId)
    {
        if (!_acks)
        {
            return;
        }
        lock (_pendingAcks)
        {
            _pendingAcks.Add(msgId);
        }
    }

    private async Task AckLoopAsync()
    {
        var batch = new List<string>(MaxAckIds);
        while (!_stop.IsCancellationRequested)
        {
            lock (_pendingAcks)
            {
                var take = Math.Min(MaxAckIds, _pendingAcks.Count);
                batch.AddRange(_pendingAcks.GetRange(0, take));
                _pendingAcks.RemoveRange(0, take);
            }
            if (batch.Count == 0)
            {
                try
                {
                    await Task.Delay(AckInterval, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            try
            {
                await BenchConnections.InvokeAsync<ImSignalR.Contracts.AckResult>(_connection, "Ack", [new ImSignalR.Contracts.AckRequest { MsgIds = batch, Status = "Delivered" }], _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (BenchConnections.IsCallFailure(ex))
            {
                AckErrors++;
            }
            batch.Clear();
        }
    }

    public static long TimestampOf(string content)
    {
        var end = content.IndexOf('|', StringComparison.Ordinal);
        return end > 0 && long.TryParse(content.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_ackLoop is not null)
        {
            await _ackLoop.ConfigureAwait(false);
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
