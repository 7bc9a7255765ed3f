using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ImSignalR.Client;
using ImSignalR.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Bench;

/// <summary>
/// N pairs of users: sender i on the sender hub sends to receiver i on the receiver hub. Phases run
/// closed-loop (W outstanding sends per sender) or open-loop (paced to a total rate) over the same
/// connections, and each ends with a drain that checks every accepted message arrived.
/// </summary>
internal sealed class LoadRunner : IAsyncDisposable
{
    private const int ConnectParallelism = 16;
    // Open loop: sends a sender may have in flight before it skips a slot (the server queues the rest).
    private const int PacedMaxOutstanding = 64;

    private readonly LoadTarget _target;
    private readonly int _contentBytes;
    private readonly List<HubConnection> _senders = [];
    private readonly List<Receiver> _receivers = [];
    private readonly List<string> _receiverIds = [];
    private long _nextMessage;

    private LoadRunner(LoadTarget target, int contentBytes)
    {
        _target = target;
        _contentBytes = contentBytes;
    }

    public static async Task<LoadRunner> ConnectAsync(LoadTarget target, string userPrefix, int pairs, int contentBytes, CancellationToken cancellationToken)
    {
        var runner = new LoadRunner(target, contentBytes);
        var senders = new HubConnection[pairs];
        var receivers = new Receiver[pairs];
        await Parallel.ForAsync(0, pairs, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            senders[i] = await OpenAsync(target.SenderHub, target.TokenFor, $"{userPrefix}s{i}", ct, target.MessagePack).ConfigureAwait(false);
            var receiver = BenchConnections.Create(target.ReceiverHub, target.TokenFor, $"{userPrefix}r{i}", target.MessagePack);
            receivers[i] = new Receiver(receiver, target.Acks);
            await receiver.StartAsync(ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        runner._senders.AddRange(senders);
        runner._receivers.AddRange(receivers);
        runner._receiverIds.AddRange(Enumerable.Range(0, pairs).Select(i => $"{userPrefix}r{i}"));
        return runner;
    }

    public static async Task<HubConnection> OpenAsync(
        Uri hub, Func<string, CancellationToken, Task<string>> tokenFor, string userId, CancellationToken cancellationToken, bool messagePack = false)
    {
        var connection = BenchConnections.Create(hub, tokenFor, userId, messagePack);
        try
        {
            await connection.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return connection;
    }

    /// <summary>When set, holds each phase's warm-up open until the servers stop compiling; else the warm-up is fixed.</summary>
    public WarmupGate? Gate { get; set; }

    /// <summary>Closed loop: each sender keeps <paramref name="window"/> sends outstanding.</summary>
    public Task<LoadPhaseResult> RunClosedAsync(string prefix, int window, TimeSpan warmup, TimeSpan duration, TimeSpan drainTimeout, CancellationToken cancellationToken) =>
        RunAsync(prefix, "closed", window, 0, warmup, duration, drainTimeout, cancellationToken);

    /// <summary>Open loop: <paramref name="totalRate"/> sends per second spread over the senders; latency counts from the scheduled time.</summary>
    public Task<LoadPhaseResult> RunPacedAsync(string prefix, double totalRate, TimeSpan warmup, TimeSpan duration, TimeSpan drainTimeout, CancellationToken cancellationToken) =>
        RunAsync(prefix, "paced", 0, totalRate, warmup, duration, drainTimeout, cancellationToken);

    private async Task<LoadPhaseResult> RunAsync(string prefix, string mode, int window, double totalRate, TimeSpan warmup, TimeSpan duration, TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        var phase = new Phase(prefix);
        var repushesBefore = _receivers.Sum(r => r.Repushes);
        var duplicatesBefore = _receivers.Sum(r => r.AppDuplicates);
        foreach (var receiver in _receivers)
        {
            receiver.Start(phase);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new List<Task>();
        for (var i = 0; i < _senders.Count; i++)
        {
            var pair = i;
            if (mode == "closed")
            {
                for (var w = 0; w < window; w++)
                {
                    tasks.Add(Task.Run(() => ClosedLoopAsync(phase, pair, stop.Token), CancellationToken.None));
                }
            }
            else
            {
                tasks.Add(Task.Run(() => PacedLoopAsync(phase, pair, totalRate / _senders.Count, stop.Token), CancellationToken.None));
            }
        }
        var warmedFor = warmup;
        if (Gate is null)
        {
            await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            warmedFor = await Gate.WaitAsync(warmup, cancellationToken).ConfigureAwait(false);
        }
        phase.Window.Open();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        phase.Window.Close();
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);

        var drain = Stopwatch.StartNew();
        while (phase.DeliveredUnique < phase.Accepted.Count && drain.Elapsed < drainTimeout)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        var drainSeconds = drain.Elapsed.TotalSeconds;
        // Let the acks of the last pushes reach the server, so the next phase sees no re-pushes of these.
        while (_receivers.Any(r => r.PendingAcks > 0) && drain.Elapsed < drainTimeout + TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        var loss = phase.Accepted.Count(a => !_receivers[a.Value].HasSeen(a.Key));
        var seconds = phase.Window.Length.TotalSeconds;
        return new LoadPhaseResult(
            mode,
            _senders.Count,
            window,
            totalRate,
            Math.Round(seconds, 2),
            phase.Accepted.Count,
            phase.AcceptedInWindow / seconds,
            phase.DeliveredInWindow / seconds,
            phase.Latency(),
            loss,
            _receivers.Sum(r => r.AppDuplicates) - duplicatesBefore,
            _receivers.Sum(r => r.Repushes) - repushesBefore,
            phase.SendErrors,
            phase.DuplicateResults,
            Math.Round(drainSeconds, 2),
            Math.Round(warmedFor.TotalSeconds, 1));
    }

    private async Task ClosedLoopAsync(Phase phase, int pair, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await SendOneAsync(phase, pair, Stopwatch.GetTimestamp()).ConfigureAwait(false);
        }
    }

    private async Task PacedLoopAsync(Phase phase, int pair, double rate, CancellationToken stop)
    {
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        // Spread the senders' schedules so they do not all fire on the same tick.
        var next = start + (long)(interval * Random.Shared.NextDouble());
        var inFlight = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            while (next <= now)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                if (inFlight.Count < PacedMaxOutstanding)
                {
                    inFlight.Add(SendOneAsync(phase, pair, next));
                }
                else
                {
                    phase.Failed();
                }
                next += (long)interval;
            }
            try
            {
                await Task.Delay(1, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    /// <param name="sentAt">The timestamp the content carries: now (closed loop) or the scheduled time (open loop).</param>
    private async Task SendOneAsync(Phase phase, int pair, long sentAt)
    {
        var clientMsgId = phase.Prefix + Interlocked.Increment(ref _nextMessage).ToString(CultureInfo.InvariantCulture);
        var request = new SendRequest { ClientMsgId = clientMsgId, ToUserId = _receiverIds[pair], Content = Content(sentAt, clientMsgId), MsgFormat = 1 };
        try
        {
            bool duplicate;
            if (_target.MessagePack)
            {
                // A MessagePack result binds only to a typed model (the relay, which answers a string, is JSON only).
                duplicate = (await BenchConnections.InvokeAsync<SendResult>(_senders[pair], _target.SendMethod, [request], CancellationToken.None).ConfigureAwait(false)).Duplicate;
            }
            else
            {
                var result = await BenchConnections.InvokeAsync<JsonElement>(_senders[pair], _target.SendMethod, [request], CancellationToken.None).ConfigureAwait(false);
                duplicate = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("duplicate", out var d) && d.ValueKind == JsonValueKind.True;
            }
            phase.Sent(clientMsgId, pair, sentAt, duplicate);
        }
        catch (Exception ex) when (BenchConnections.IsCallFailure(ex))
        {
            phase.Failed();
        }
    }

    private string Content(long sentAt, string clientMsgId)
    {
        var sb = new StringBuilder(_contentBytes);
        sb.Append(sentAt.ToString(CultureInfo.InvariantCulture)).Append('|').Append(clientMsgId).Append('|');
        sb.Append('x', Math.Max(0, _contentBytes - sb.Length));
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders)
        {
            await sender.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var receiver in _receivers)
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
        }
    }
}
