using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Operations;

/// <summary>Issue 10 acceptance: metrics that move, config validation, log hygiene, body limits, graceful shutdown.</summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task MetricsParseAndMoveAsTheTestSendsAcksAndReplays()
    {
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["Im__Retry__DelaysSeconds"] = "1",
            ["Im__Retry__SweepInterval"] = "00:00:00.100",
        });
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"));
        var before = await hub.ScrapeAsync();

        var acked = await alice.SendAsync(bob.UserId, "ack me");
        var neverAcked = await alice.SendAsync(bob.UserId, "never acked");
        await Eventually.TrueAsync(() => bob.Received.Count >= 2, "bob received both");
        await bob.Client.AckAsync([acked.MsgId], "Delivered");
        await bob.Client.AckAsync([acked.MsgId], "Read");
        await bob.Client.SyncAsync(acked.ChatId, 0);

        // The unacked one is re-pushed after 1 s, then its budget (one delay) is spent and it is marked offline.
        var after = await hub.WaitForAsync("im_offline_marks_total", before.Value("im_offline_marks_total") + 1);
        Assert.True(after.Value("im_sends_accepted_total") >= before.Value("im_sends_accepted_total") + 2);
        Assert.True(after.Value("im_acks_total", ("status", "Delivered")) >= before.Value("im_acks_total", ("status", "Delivered")) + 1);
        Assert.True(after.Value("im_acks_total", ("status", "Read")) >= before.Value("im_acks_total", ("status", "Read")) + 1);
        Assert.True(after.Value("im_sweeper_replays_total") >= before.Value("im_sweeper_replays_total") + 1);
        Assert.True(after.Value("im_sync_requests_total") >= before.Value("im_sync_requests_total") + 1);
        // The two pushes to bob; alice has no other device, so no copies go to her.
        Assert.True(after.Value("im_pushes_total", ("kind", "send")) >= before.Value("im_pushes_total", ("kind", "send")) + 2);
        Assert.Equal(before.Value("im_pushes_total", ("kind", "sender-sync")), after.Value("im_pushes_total", ("kind", "sender-sync")));
        Assert.Equal(2, after.Value("im_connections"));
        // OpenTelemetry names a histogram after its unit (ms → milliseconds).
        Assert.Equal("histogram", after.Types["im_send_duration_milliseconds"]);
        Assert.True(after.Value("im_send_duration_milliseconds_count") >= before.Value("im_send_duration_milliseconds_count") + 2);
        Assert.True(after.Value("im_log_append_duration_milliseconds_count") >= before.Value("im_log_append_duration_milliseconds_count") + 2);
        Assert.True(after.Value("im_send_duration_milliseconds_bucket", ("le", "+Inf")) >= 2);
        // The View keeps the old resolution: sub-millisecond buckets up to 10 s, not OpenTelemetry's defaults (0, 5, 10, …).
        foreach (var histogram in new[] { "im_send_duration_milliseconds", "im_log_append_duration_milliseconds" })
        {
            var bounds = after.Samples.Where(s => s.Name == histogram + "_bucket").Select(s => s.Labels["le"]).Distinct().ToList();
            Assert.Equal(["0.25", "0.5", "1", "2", "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "10000", "+Inf"], bounds);
        }
        // The framework's meters come along: ASP.NET Core hosting, Kestrel, SignalR's connections, the runtime.
        Assert.Contains(after.Samples, s => s.Name == "http_server_request_duration_seconds_count");
        Assert.Contains(after.Samples, s => s.Name == "kestrel_active_connections");
        Assert.Contains(after.Samples, s => s.Name.StartsWith("signalr_server_", StringComparison.Ordinal));
        Assert.Contains(after.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
        Assert.Contains(bob.Received, m => m.MsgId == neverAcked.MsgId);
    }

    [Theory]
    [InlineData("Im__Limits__SendsPerSecond", "0", "Im:Limits:SendsPerSecond")]
    [InlineData("Im__Store__Provider", "Oracle", "Im:Store:Provider")]
    [InlineData("Im__Auth__SigningKey", "short", "Im:Auth:SigningKey")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "not a uri", "OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("Im__Groups__MaxMembersPerGroup", "1", "Im:Groups:MaxMembersPerGroup must be between 2 and 100000")]
    [InlineData("Im__Groups__ReadEventInterval", "00:00:00", "Im:Groups:ReadEventInterval must be positive")]
    [InlineData("Im__Groups__MaxNameLength", "long", "Im:Groups:MaxNameLength")]
    [InlineData("Im__Groups__MaxMembers", "100000", "Im:Groups:MaxMembers is not a setting")]
    public async Task AWrongSettingStopsTheProcessWithAMessageNamingIt(string variable, string value, string setting)
    {
        var data = Directory.CreateTempSubdirectory("imsignalr-badconfig-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = data,
            };
            start.ArgumentList.Add(HubBinary.Path);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add("http://127.0.0.1:0");
            start.Environment["Im__Store__ConnectionString"] = $"Data Source={Path.Combine(data, "im.db")}";
            start.Environment[variable] = value;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the hub kept running with {variable}={value}");
            }
            var output = await stdout + await stderr;
            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains(setting, output);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task NeitherTokensNorMessageContentReachTheLogAtTheDefaultLevel()
    {
        // The shipped levels (appsettings.json): Information, Microsoft.AspNetCore at Warning.
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__ImSignalR"] = "Information",
        });
        var marker = "secret-content-" + Guid.NewGuid().ToString("N");
        var aliceId = HubFixture.NewUser("alice");
        var token = await hub.TokenAsync(aliceId);
        await using (var alice = await RecordingClient.ConnectAsync(hub, aliceId))
        await using (var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob")))
        {
            var sent = await alice.SendAsync(bob.UserId, marker);
            await Eventually.TrueAsync(() => bob.Received.Any(m => m.Content == marker), "bob received the marker");
            await alice.Client.SyncAsync(sent.ChatId, 0);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await hub.Http.SendAsync(request)).Dispose();
            // A bad token is refused; its text must not be logged either.
            using var bad = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
            bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
            (await hub.Http.SendAsync(bad)).Dispose();
        }
        await hub.StopAsync();

        var output = hub.Output;
        Assert.Contains("started", output); // the log is captured at all
        Assert.DoesNotContain(marker, output);
        Assert.DoesNotContain(token.Split('.')[1], output);
        Assert.DoesNotContain(token.Split('.')[2], output);
    }

    [Fact]
    public async Task ARestBodyOverTheLimitIs413AndCounted()
    {
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string> { ["Im__Limits__MaxRequestBodyBytes"] = "16384" });
        var token = await hub.TokenAsync(HubFixture.NewUser("svc"), "im:send");
        var bobId = HubFixture.NewUser("bob");
        var before = await hub.ScrapeAsync();

        var body = $"{{\"fromUserId\":\"alice\",\"clientMsgId\":\"big\",\"toUserId\":\"{bobId}\",\"msgFormat\":1,\"content\":\"{new string('x', 20_000)}\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await hub.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await hub.WaitForAsync("im_rejections_total", before.Value("im_rejections_total", ("code", "IM_REQUEST_TOO_LARGE")) + 1, ("code", "IM_REQUEST_TOO_LARGE"));
        using var ready = await hub.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task ShutdownDuringABurstLosesNoAcceptedSendAndHalfAppliesNone()
    {
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["Im__Limits__SendsPerSecond"] = "10000",
            ["Im__Limits__SendBurst"] = "10000",
        });
        const int senders = 6;
        var bobId = HubFixture.NewUser("bob");
        var clients = new List<RecordingClient>();
        for (var i = 0; i < senders; i++)
        {
            clients.Add(await RecordingClient.ConnectAsync(hub, HubFixture.NewUser($"s{i}")));
        }
        var closeFrames = new List<string>();
        var watcher = await Hostile.RawHubSocket.ConnectAsync(hub, await hub.TokenAsync(HubFixture.NewUser("watcher")));
        // The handshake is answered before the hub's OnConnectedAsync registers the connection for the drain; an answered
        // call proves it ran (SignalR dispatches nothing before it), so the drain cannot miss the watcher.
        await watcher.SendTextAsync("{\"type\":1,\"invocationId\":\"w\",\"target\":\"GetBlockedUsers\",\"arguments\":[]}" + Hostile.RawHubSocket.RecordSeparator);
        Assert.NotNull(await watcher.ReceiveTypeAsync(3, TimeSpan.FromSeconds(10)));
        var accepted = new System.Collections.Concurrent.ConcurrentBag<SendResult>();
        using var stop = new CancellationTokenSource();
        var burst = clients.Select(client => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested && n < 100_000; n++)
            {
                try
                {
                    accepted.Add(await client.SendAsync(bobId, $"{client.UserId} {n}", clientMsgId: $"m{n}"));
                }
                catch (Exception)
                {
                    return; // refused (IM_SHUTTING_DOWN) or the connection closed: stop this sender
                }
            }
        })).ToList();

        await Eventually.TrueAsync(() => accepted.Count >= 200, "the burst is under way");
        // Read while the node stops, as a client does. The node used to return from its drain once each hub connection
        // had queued its Close, and under load the shutdown then reset sockets whose transport had not sent it yet:
        // the watcher saw an abort (clean CI of 4f9af26; 1 in 1-4 runs with both cores saturated, 0 in 16 since the
        // drain waits for the WebSocket requests to end).
        var closeFrameRead = watcher.ReceiveTypeAsync(7, TimeSpan.FromSeconds(60));
        await hub.StopAsync(); // SIGTERM mid-burst
        stop.Cancel();
        await Task.WhenAll(burst).WaitAsync(TimeSpan.FromSeconds(30));
        var closeFrame = await closeFrameRead;
        await watcher.DisposeAsync();
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        await hub.StartAsync();
        await using var bob = await RecordingClient.ConnectAsync(hub, bobId);
        foreach (var group in accepted.GroupBy(a => a.ChatId))
        {
            var stored = new List<ImMessage>();
            SyncResult page;
            do
            {
                page = await bob.Client.SyncAsync(group.Key, stored.Count == 0 ? 0 : stored[^1].Seq, 200);
                stored.AddRange(page.Messages);
            }
            while (page.HasMore);

            var storedIds = stored.Select(m => m.MsgId).ToHashSet();
            Assert.All(group, a => Assert.Contains(a.MsgId, storedIds)); // every reported success is stored
            Assert.Equal(stored.Count, storedIds.Count);                  // no duplicates
            Assert.Equal(stored.Count, stored.Select(m => m.ClientMsgId).Distinct().Count());
            Assert.True(stored.Zip(stored.Skip(1)).All(p => p.Second.Seq > p.First.Seq), "seqs strictly increase");
            // Gaps are allowed (a send can take a seq and then be refused as the log closes); repeats are not.
            Assert.All(stored, m => Assert.False(string.IsNullOrEmpty(m.Content)));
        }
        Assert.True(closeFrame is not null, "no Close frame reached the watcher (state " + watcher.State + "); the node's log:\n" + hub.Output);
        Assert.True(closeFrame!.Value.TryGetProperty("allowReconnect", out var allow) && allow.GetBoolean(), "Close must allow reconnect: " + closeFrame);
    }
}
