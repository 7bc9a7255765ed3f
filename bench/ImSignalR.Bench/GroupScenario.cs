using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Bench;

/// <summary>
/// Issue 16's benchmark: one sender to a group of <see cref="BenchOptions.GroupMembers"/> members, every member connected,
/// split over two nodes — first two bare relay nodes on the same Redis backplane (a plain SignalR group broadcast, the
/// ceiling), then two real hub nodes in cluster mode (Redis + MySQL, as <see cref="ClusterScenario"/>); deliveries per
/// second and send → receive latency of each. Then the store's cost per group message at 10, 100 and 1,000 members
/// (<see cref="GroupStoreCost"/>).
/// </summary>
internal static class GroupScenario
{
    public const string Name = "group";
    private const string RelayName = "group-relay";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(ScenarioContext context)
    {
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL");
        if (string.IsNullOrWhiteSpace(mysql))
        {
            context.Add(BenchResult.Unavailable(Name, "IM_TEST_MYSQL is not set: two nodes need a shared store (the hub refuses Redis + SQLite)."));
            return;
        }
        var redisEndpoint = Environment.GetEnvironmentVariable("IM_TEST_REDIS");
        await using var ownRedis = string.IsNullOrWhiteSpace(redisEndpoint) ? await RedisServer.TryStartAsync(context.CancellationToken).ConfigureAwait(false) : null;
        redisEndpoint = string.IsNullOrWhiteSpace(redisEndpoint) ? ownRedis?.Endpoint : redisEndpoint;
        if (redisEndpoint is null)
        {
            context.Add(BenchResult.Unavailable(Name, "no Redis: IM_TEST_REDIS is not set and redis-server did not start (apt-get install redis-server)."));
            return;
        }
        // Users unique to this run: the MySQL store outlives runs.
        var run = Guid.NewGuid().ToString("N")[..6];
        double? relayRate = null;
        try
        {
            relayRate = await RunRelayAsync(context, redisEndpoint, run).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Add(BenchResult.Failed(RelayName, "-", ex));
        }

        ServerProcess? node1 = null;
        ServerProcess? node2 = null;
        try
        {
            try
            {
                node1 = await ClusterScenario.StartNodeAsync(1, redisEndpoint, mysql, context).ConfigureAwait(false);
                node2 = await ClusterScenario.StartNodeAsync(2, redisEndpoint, mysql, context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                context.Add(BenchResult.Unavailable(Name, "the nodes did not start with Redis + MySQL: " + ex.Message));
                return;
            }
            await RunHubAsync(context, node1, node2, run, relayRate).ConfigureAwait(false);
            await GroupStoreCost.RunAsync(context, node1, mysql, run).ConfigureAwait(false);
        }
        finally
        {
            if (node1 is not null)
            {
                await node1.DisposeAsync().ConfigureAwait(false);
            }
            if (node2 is not null)
            {
                await node2.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<double?> RunRelayAsync(ScenarioContext context, string redis, string run)
    {
        var ct = context.CancellationToken;
        var environment = new Dictionary<string, string>
        {
            ["Relay__Redis"] = redis,
            ["Relay__MaxParallelInvocationsPerClient"] = Math.Max(4, context.Options.Window).ToString(CultureInfo.InvariantCulture),
        };
        await using var relay1 = await ServerProcess.StartAsync(RepoPaths.RelayDll, environment, null, ct).ConfigureAwait(false);
        await using var relay2 = await ServerProcess.StartAsync(RepoPaths.RelayDll, environment, null, ct).ConfigureAwait(false);
        // The relay's identity is the access_token query value itself.
        Func<string, CancellationToken, Task<string>> tokens = (user, _) => Task.FromResult(user);
        var groupId = "bench-" + run;
        var sender = await LoadRunner.OpenAsync(relay1.HubUri, tokens, $"{RelayName}-{run}-s", ct).ConfigureAwait(false);
        await using var load = await GroupLoad.ConnectAsync(sender, [relay1.HubUri, relay2.HubUri], tokens, MemberIds(context, RelayName, run),
            (connection, t) => connection.InvokeAsync("JoinGroup", groupId, t), (clientMsgId, content) => new { clientMsgId, groupId, content },
            context.Options.ContentBytes, ct).ConfigureAwait(false);
        return await MeasureAsync(context, RelayName, load, [relay1, relay2], relayRate: null).ConfigureAwait(false);
    }

    private static async Task RunHubAsync(ScenarioContext context, ServerProcess node1, ServerProcess node2, string run, double? relayRate)
    {
        var ct = context.CancellationToken;
        var tokens = C2CScenario.Tokens(node1);
        var memberIds = MemberIds(context, Name, run);
        var sender = await LoadRunner.OpenAsync(node1.HubUri, tokens, $"{Name}-{run}-s", ct).ConfigureAwait(false);
        string groupId;
        try
        {
            // Before the members connect: a connection joins its user's groups as it connects.
            groupId = await GroupSetup.CreateAsync(sender, "bench", memberIds, ct).ConfigureAwait(false);
        }
        catch
        {
            await sender.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await using var load = await GroupLoad.ConnectAsync(sender, [node1.HubUri, node2.HubUri], tokens, memberIds, null,
            (clientMsgId, content) => GroupSetup.Send(groupId, clientMsgId, content), context.Options.ContentBytes, ct).ConfigureAwait(false);
        await MeasureAsync(context, Name, load, [node1, node2], relayRate).ConfigureAwait(false);
    }

    /// <returns>The sends accepted per second, or null when the members did not all receive the probe.</returns>
    private static async Task<double?> MeasureAsync(ScenarioContext context, string scenario, GroupLoad load, IReadOnlyList<ServerProcess> servers, double? relayRate)
    {
        var o = context.Options;
        var ct = context.CancellationToken;
        var phase = $"{load.Recipients + 1} members W={o.Window}";
        var reached = await load.ProbeAsync(ProbeTimeout, ct).ConfigureAwait(false);
        if (reached < load.Recipients)
        {
            context.Add(new BenchResult
            {
                Scenario = scenario,
                Phase = phase,
                Status = "failed",
                Note = $"{reached} of {load.Recipients} members received the probe message within {ProbeTimeout.TotalSeconds:0} s",
                LoadAverageStart = ServerSample.LoadAverage(),
            });
            return null;
        }
        var before = await ServerSample.TakeAsync(servers, ct).ConfigureAwait(false);
        var result = await load.RunClosedAsync($"{scenario}-c-", o.Window, o.Warmup, o.Duration, context.DrainTimeout, ct).ConfigureAwait(false);
        var after = await ServerSample.TakeAsync(servers, ct).ConfigureAwait(false);
        context.Add(BenchResult.FromPhase(scenario, phase, result, before, after, relayRate));
        return result.AcceptedPerSecond;
    }

    private static List<string> MemberIds(ScenarioContext context, string scenario, string run) =>
        Enumerable.Range(1, context.Options.GroupMembers - 1).Select(i => $"{scenario}-{run}-m{i}").ToList();
}
