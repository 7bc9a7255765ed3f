namespace ImSignalR.Bench;

/// <summary>
/// Two hub nodes sharing Redis (backplane, presence) and MySQL (store): senders on node 1,
/// receivers on node 2, so every message crosses the backplane.
/// </summary>
internal static class ClusterScenario
{
    // Non-dev, ≥ 32 bytes: a cluster node refuses the development key.
    internal const string SigningKey = "imsignalr-bench-cluster-signing-key-0123456789abcdef";

    /// <param name="messagePack">Every connection on the MessagePack protocol (the <c>c2c-cluster-msgpack</c> row).</param>
    public static async Task RunAsync(ScenarioContext context, bool messagePack = false)
    {
        var scenario = messagePack ? "c2c-cluster-msgpack" : "c2c-cluster";
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL");
        if (string.IsNullOrWhiteSpace(mysql))
        {
            context.Add(BenchResult.Unavailable(scenario, "IM_TEST_MYSQL is not set: two nodes need a shared store and SQLite cannot be shared between nodes (the hub refuses Redis + SQLite)."));
            return;
        }
        var redisEndpoint = Environment.GetEnvironmentVariable("IM_TEST_REDIS");
        await using var ownRedis = string.IsNullOrWhiteSpace(redisEndpoint) ? await RedisServer.TryStartAsync(context.CancellationToken).ConfigureAwait(false) : null;
        redisEndpoint = string.IsNullOrWhiteSpace(redisEndpoint) ? ownRedis?.Endpoint : redisEndpoint;
        if (redisEndpoint is null)
        {
            context.Add(BenchResult.Unavailable(scenario, "no Redis: IM_TEST_REDIS is not set and redis-server did not start (apt-get install redis-server)."));
            return;
        }
        ServerProcess? node1 = null;
        ServerProcess? node2 = null;
        try
        {
            try
            {
                node1 = await StartNodeAsync(1, redisEndpoint, mysql, context).ConfigureAwait(false);
                node2 = await StartNodeAsync(2, redisEndpoint, mysql, context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                context.Add(BenchResult.Unavailable(scenario, "the nodes did not start with Redis + MySQL: " + ex.Message));
                return;
            }
            var target = new LoadTarget(node1.HubUri, node2.HubUri, C2CScenario.Tokens(node1), "SendC2C", Acks: true, messagePack);
            var rows = context.Results.Count;
            await PairLoad.RunAsync(context, scenario, target, [node1, node2], halfRatePhase: !context.Options.Quick).ConfigureAwait(false);
            if (context.Results.Skip(rows).Any(r => r.Load is { Accepted: > 0, DeliveredPerSecond: 0 }))
            {
                const string why = "messages accepted on node 1 never reached node 2: no working backplane in this build.";
                // Not a loss of the product under test: the cluster path is not there yet (the messages wait in the store for sync).
                for (var i = rows; i < context.Results.Count; i++)
                {
                    context.Results[i] = context.Results[i] with { Status = "not available", Note = why };
                }
                context.Add(BenchResult.Unavailable(scenario, why));
            }
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

    internal static Task<ServerProcess> StartNodeAsync(int nodeId, string redis, string mysql, ScenarioContext context)
    {
        // The store is MySQL: the SQLite path of the embedded settings is replaced below.
        var environment = HubEnvironment.Embedded(Path.GetTempPath(), context.Options);
        environment["Im__Redis__Configuration"] = redis;
        environment["Im__Store__Provider"] = "MySql";
        environment["Im__Store__ConnectionString"] = mysql;
        environment["Im__NodeId"] = nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Im__Auth__SigningKey"] = SigningKey;
        environment["Im__Auth__DevTokens"] = "true";
        return ServerProcess.StartAsync(RepoPaths.HubDll, environment, null, context.CancellationToken);
    }
}
