using System.Collections.Concurrent;
using System.Diagnostics;
using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.FunctionalTests.OfficialClients;
using Xunit.Abstractions;

namespace ImSignalR.FunctionalTests.Client;

/// <summary>
/// Issue 21: many .NET SDK clients, each behind its own socket-cutting proxy; a cut shortly after every
/// reconnect (so it lands in the catch-up, which 5-message sync pages make multi-page), random cuts while
/// sending, and the hub killed and restarted. The verdict counts, per conversation, missing, duplicated,
/// out-of-order and pending messages and requires all zero; a watchdog fails the run if the thread pool
/// stops running timers for 2 s (a retry loop without delay starves it).
/// </summary>
public sealed class SdkChaosTests(ITestOutputHelper output)
{
    private const int Pairs = 8;
    private const int PerSender = 40;
    private const int CutsAfterReconnect = 3;

    private static readonly Dictionary<string, string> FastHub = new()
    {
        ["Im__Limits__SendsPerSecond"] = "100000",
        ["Im__Limits__SendBurst"] = "100000",
        ["Im__Retry__DelaysSeconds"] = "1,1,1",
        ["Im__Retry__SweepInterval"] = "00:00:00.100",
    };

    [Fact]
    public async Task EveryAcceptedMessageArrivesOnceAndInOrderThroughCutsAfterEachReconnectAndAHubRestart()
    {
        await using var hub = await HubProcess.StartAsync(FastHub);
        var proxies = new List<TcpProxy>();
        var peers = new List<RecordingClient>();
        var chaos = true;
        var random = new Random(21);
        try
        {
            async Task<RecordingClient> Peer(string name)
            {
                var proxy = TcpProxy.Start(hub.Port);
                proxies.Add(proxy);
                var peer = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser(name), "json", reliable: true, configure: o => o with
                {
                    HubUri = new Uri(proxy.BaseUri, "/hubs/chat"),
                    SyncPageSize = 5,
                    ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
                    ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
                    InvocationTimeout = TimeSpan.FromSeconds(5),
                    SendRetryInitialDelay = TimeSpan.FromMilliseconds(50),
                    SendRetryMaxDelay = TimeSpan.FromMilliseconds(500),
                });
                var cuts = 0;
                peer.Client.StateChanged += change =>
                {
                    // Cut again shortly after each reconnect: the catch-up sync is then in flight.
                    if (change.Current == ImConnectionState.Connected && Volatile.Read(ref chaos) && Interlocked.Increment(ref cuts) <= CutsAfterReconnect)
                    {
                        _ = CutAsync(proxy, TimeSpan.FromMilliseconds(10 + Random.Shared.Next(150)));
                    }
                };
                peers.Add(peer);
                return peer;
            }

            var pairs = new List<(RecordingClient Sender, RecordingClient Receiver)>();
            for (var i = 0; i < Pairs; i++)
            {
                pairs.Add((await Peer($"cs{i}"), await Peer($"cr{i}")));
            }

            using var watchdog = new PoolWatchdog();
            var sends = pairs.Select(_ => new List<Task<SendResult>>()).ToArray();
            var sending = pairs.Select(async (pair, i) =>
            {
                for (var n = 0; n < PerSender; n++)
                {
                    sends[i].Add(pair.Sender.Client.SendTextAsync(pair.Receiver.UserId, $"{i}:{n}"));
                    await Task.Delay(10 + Random.Shared.Next(40));
                }
            }).ToList();
            for (var round = 0; round < 6; round++)
            {
                await Task.Delay(300 + random.Next(300));
                foreach (var proxy in proxies.Where(_ => random.NextDouble() < 0.4))
                {
                    await CutAsync(proxy, TimeSpan.Zero);
                }
                if (round == 3)
                {
                    hub.Kill();
                    await hub.StartAsync();
                }
            }
            await Task.WhenAll(sending);
            var accepted = await Task.WhenAll(sends.Select(s => Task.WhenAll(s))).WaitAsync(TimeSpan.FromSeconds(120));
            Volatile.Write(ref chaos, false);

            for (var i = 0; i < Pairs; i++)
            {
                var wanted = accepted[i].Select(r => r.MsgId).ToHashSet();
                var receiver = pairs[i].Receiver;
                await Eventually.TrueAsync(() => receiver.Received.Select(m => m.MsgId).Where(wanted.Contains).Distinct().Count() == wanted.Count,
                    $"receiver {i} has every accepted message", TimeSpan.FromSeconds(60));
            }
            await Task.Delay(2000); // replays and late syncs must be dropped as duplicates by now

            var missing = 0;
            var duplicated = 0;
            var outOfOrder = 0;
            for (var i = 0; i < Pairs; i++)
            {
                var delivered = pairs[i].Receiver.Received.Where(m => m.FromUserId == pairs[i].Sender.UserId).ToList();
                var ids = delivered.Select(m => m.MsgId).ToList();
                missing += accepted[i].Count(r => !ids.Contains(r.MsgId));
                duplicated += ids.Count - ids.Distinct().Count();
                outOfOrder += delivered.Zip(delivered.Skip(1)).Count(p => p.Second.Seq <= p.First.Seq);
            }
            var pending = sends.Sum(s => s.Count(t => !t.IsCompletedSuccessfully));
            var totalCuts = proxies.Sum(p => p.Cuts);
            output.WriteLine($"[figure] .NET SDK chaos: {Pairs * PerSender} accepted, {totalCuts} cuts, worst timer lateness {watchdog.WorstLateness.TotalMilliseconds:F0} ms; missing {missing}, duplicated {duplicated}, out of order {outOfOrder}, pending {pending}");
            Assert.Equal((0, 0, 0, 0), (missing, duplicated, outOfOrder, pending));
            Assert.True(totalCuts > Pairs * 2, $"only {totalCuts} cuts");
            Assert.True(watchdog.WorstLateness < TimeSpan.FromSeconds(2), $"timers ran {watchdog.WorstLateness.TotalMilliseconds:F0} ms late");
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }
        }
    }

    private static async Task CutAsync(TcpProxy proxy, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }
        proxy.CutAndHold();
        proxy.Release();
    }

    /// <summary>How late a 50 ms timer on the thread pool fires, at worst.</summary>
    private sealed class PoolWatchdog : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private long _worstTicks;

        public PoolWatchdog() => _ = RunAsync();

        public TimeSpan WorstLateness => TimeSpan.FromTicks(Interlocked.Read(ref _worstTicks));

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        private async Task RunAsync()
        {
            var interval = TimeSpan.FromMilliseconds(50);
            while (!_stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await Task.Delay(interval, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var late = Stopwatch.GetElapsedTime(started) - interval;
                if (late.Ticks > Interlocked.Read(ref _worstTicks))
                {
                    Interlocked.Exchange(ref _worstTicks, late.Ticks);
                }
            }
        }
    }
}
