using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Bench;

/// <summary>
/// One sender and the other members of its group, each member on one of the nodes in turn (the first on the second
/// node, so the members split evenly and half of every message crosses the backplane). A closed-loop phase keeps W group
/// sends outstanding; every accepted message must reach every member once, which the drain checks.
/// </summary>
internal sealed class GroupLoad : IAsyncDisposable
{
    private const int ConnectParallelism = 32;
    private static readonly TimeSpan ProbeAttempt = TimeSpan.FromSeconds(2);

    private readonly HubConnection _sender;
    private readonly BenchGroupMember[] _members;
    private readonly Func<string, string, object> _request;
    private readonly int _contentBytes;
    private long _nextMessage;

    private GroupLoad(HubConnection sender, BenchGroupMember[] members, Func<string, string, object> request, int contentBytes)
    {
        _sender = sender;
        _members = members;
        _request = request;
        _contentBytes = contentBytes;
    }

    /// <summary>Members that receive each message (the sending connection is left out, as the hub leaves it out).</summary>
    public int Recipients => _members.Length;

    /// <param name="sender">Connected already; disposed with the load.</param>
    /// <param name="join">Run on each member connection once it is up (the relay's <c>JoinGroup</c>); null when connecting joins (the real hub).</param>
    /// <param name="request">The <c>SendGroup</c> argument for (clientMsgId, content).</param>
    public static async Task<GroupLoad> ConnectAsync(HubConnection sender, IReadOnlyList<Uri> hubs, Func<string, CancellationToken, Task<string>> tokens,
        IReadOnlyList<string> memberIds, Func<HubConnection, CancellationToken, Task>? join, Func<string, string, object> request, int contentBytes,
        CancellationToken cancellationToken)
    {
        var members = new BenchGroupMember[memberIds.Count];
        try
        {
            await Parallel.ForAsync(0, memberIds.Count, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var member = new BenchGroupMember(BenchConnections.Create(hubs[(i + 1) % hubs.Count], tokens, memberIds[i]));
                    members[i] = member;
                    await member.Connection.StartAsync(ct).ConfigureAwait(false);
                    if (join is not null)
                    {
                        await join(member.Connection, ct).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }
        catch
        {
            foreach (var member in members.Where(m => m is not null))
            {
                await member.DisposeAsync().ConfigureAwait(false);
            }
            await sender.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new GroupLoad(sender, members, request, contentBytes);
    }

    /// <summary>
    /// Probe messages until one reaches every member within <paramref name="timeout"/>: the members are in the group. A
    /// client's start returns at the handshake, before the hub's connect handler has joined its groups, so the first
    /// probes may miss the members still joining (a real client finds them by seq sync).
    /// </summary>
    /// <returns>How many members the last probe reached.</returns>
    public async Task<long> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.StartNew();
        long reached;
        do
        {
            var phase = new Phase("probe-" + Guid.NewGuid().ToString("N")[..6] + "-");
            StartAll(phase);
            await SendOneAsync(phase, Stopwatch.GetTimestamp()).ConfigureAwait(false);
            var attempt = Stopwatch.StartNew();
            while (phase.DeliveredUnique < Recipients && attempt.Elapsed < ProbeAttempt)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            reached = phase.DeliveredUnique;
        }
        while (reached < Recipients && wait.Elapsed < timeout);
        return reached;
    }

    public async Task<LoadPhaseResult> RunClosedAsync(string prefix, int window, TimeSpan warmup, TimeSpan duration, TimeSpan drainTimeout,
        CancellationToken cancellationToken)
    {
        var phase = new Phase(prefix);
        var duplicatesBefore = _members.Sum(m => m.Duplicates);
        StartAll(phase);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = Enumerable.Range(0, window).Select(_ => Task.Run(() => ClosedLoopAsync(phase, stop.Token), CancellationToken.None)).ToList();
        await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
        phase.Window.Open();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        phase.Window.Close();
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);

        long expected = phase.Accepted.Count * (long)Recipients;
        var drain = Stopwatch.StartNew();
        while (phase.DeliveredUnique < expected && drain.Elapsed < drainTimeout)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        var seconds = phase.Window.Length.TotalSeconds;
        return new LoadPhaseResult(
            "closed",
            Recipients,
            window,
            0,
            Math.Round(seconds, 2),
            phase.Accepted.Count,
            phase.AcceptedInWindow / seconds,
            phase.DeliveredInWindow / seconds,
            phase.Latency(),
            Math.Max(0, expected - phase.DeliveredUnique),
            _members.Sum(m => m.Duplicates) - duplicatesBefore,
            0,
            phase.SendErrors,
            phase.DuplicateResults,
            Math.Round(drain.Elapsed.TotalSeconds, 2),
            warmup.TotalSeconds);
    }

    private void StartAll(Phase phase)
    {
        foreach (var member in _members)
        {
            member.Start(phase);
        }
    }

    private async Task ClosedLoopAsync(Phase phase, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await SendOneAsync(phase, Stopwatch.GetTimestamp()).ConfigureAwait(false);
        }
    }

    private async Task SendOneAsync(Phase phase, long sentAt)
    {
        var clientMsgId = phase.Prefix + Interlocked.Increment(ref _nextMessage).ToString(CultureInfo.InvariantCulture);
        try
        {
            var result = await BenchConnections.InvokeAsync<JsonElement>(_sender, "SendGroup", [_request(clientMsgId, Content(sentAt, clientMsgId))],
                CancellationToken.None).ConfigureAwait(false);
            var duplicate = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("duplicate", out var d) && d.ValueKind == JsonValueKind.True;
            phase.Sent(clientMsgId, 0, sentAt, duplicate);
        }
        catch (Exception ex) when (BenchConnections.IsCallFailure(ex))
        {
            phase.Failed();
        }
    }

    /// <summary>The timestamp first, as <see cref="Receiver.TimestampOf"/> reads it, padded to the content size.</summary>
    private string Content(long sentAt, string clientMsgId)
    {
        var sb = new StringBuilder(_contentBytes);
        sb.Append(sentAt.ToString(CultureInfo.InvariantCulture)).Append('|').Append(clientMsgId).Append('|');
        sb.Append('x', Math.Max(0, _contentBytes - sb.Length));
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync().ConfigureAwait(false);
        foreach (var member in _members)
        {
            await member.DisposeAsync().ConfigureAwait(false);
        }
    }
}
