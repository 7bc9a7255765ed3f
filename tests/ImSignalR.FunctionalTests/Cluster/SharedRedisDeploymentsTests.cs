using System.Diagnostics;
using System.Text.RegularExpressions;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>
/// SPEC §8, Im:Redis:Prefix: two deployments (two nodes and one node) on ONE Redis, each with its own prefix and
/// its own MySQL database, stay apart — a user id present in both gets only its own deployment's pushes, and
/// presence, dedupe and seq counters do not leak across.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class SharedRedisDeploymentsTests
{
    [Fact]
    public async Task TwoDeploymentsWithTheirOwnPrefixOnOneRedisSeeNeitherTheOthersPushesNorItsState()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var mysqlA = ClusterFixture.TestMySql();
        var mysqlB = await CreateDatabaseAsync(mysqlA, $"imsignalr_test_dep{Guid.NewGuid():N}"[..36]);
        await using var a = await ClusterFixture.StartOnAsync(redis.Configuration, "depa", mysqlA, nodes: 2);
        await using var b = await ClusterFixture.StartOnAsync(redis.Configuration, "depb", mysqlB, nodes: 1);
        var (aliceId, bobId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"));
        await using var aliceA = await RecordingClient.ConnectAsync(a.Nodes[0], aliceId);
        await using var bobA = await RecordingClient.ConnectAsync(a.Nodes[1], bobId); // across A's two nodes: the backplane
        await using var aliceB = await RecordingClient.ConnectAsync(b.Nodes[0], aliceId);
        await using var bobB = await RecordingClient.ConnectAsync(b.Nodes[0], bobId);

        // The same sender, recipient and clientMsgId in both deployments.
        var sentA = await aliceA.SendAsync(bobId, "from A", clientMsgId: "same-key");
        var sentB = await aliceB.SendAsync(bobId, "from B", clientMsgId: "same-key");

        // Dedupe and seq are per deployment: neither send is the other's duplicate, both start the chat at 1.
        Assert.False(sentA.Duplicate);
        Assert.False(sentB.Duplicate);
        Assert.Equal(1, sentA.Seq);
        Assert.Equal(1, sentB.Seq);
        await Eventually.TrueAsync(() => !bobA.Received.IsEmpty && !bobB.Received.IsEmpty, "bob gets the push in both deployments");
        await Task.Delay(1500); // a push that crossed over would have arrived by now
        Assert.Equal([sentA.MsgId], bobA.Received.Select(m => m.MsgId).Distinct());
        Assert.Equal([sentB.MsgId], bobB.Received.Select(m => m.MsgId).Distinct());
        Assert.All(bobA.Received, m => Assert.Equal("from A", m.Content));
        Assert.All(bobB.Received, m => Assert.Equal("from B", m.Content));

        // Every key and every backplane channel carries one of the two prefixes; presence is kept per deployment.
        var keys = await RedisCli.RunAsync(redis.Configuration, "--scan");
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Matches(Prefixed(), k));
        Assert.Contains($"depa:presence:{{{bobId}}}", keys);
        Assert.Contains($"depb:presence:{{{bobId}}}", keys);
        var channels = await RedisCli.RunAsync(redis.Configuration, "pubsub", "channels");
        Assert.Contains(channels, c => c.StartsWith("depa:", StringComparison.Ordinal));
        Assert.Contains(channels, c => c.StartsWith("depb:", StringComparison.Ordinal));
        Assert.All(channels, c => Assert.Matches(Prefixed(), c));
        Assert.Single(await RedisCli.RunAsync(redis.Configuration, "hkeys", $"depb:presence:{{{bobId}}}")); // bob's one connection in B
    }

    [GeneratedRegex("^dep[ab]:")]
    private static partial Regex Prefixed();

    /// <summary>A second database on the test MariaDB (the test user may create imsignalr_test* databases).</summary>
    private static async Task<string> CreateDatabaseAsync(string connectionString, string database)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.OrdinalIgnoreCase);
        var start = new ProcessStartInfo("mariadb") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "-h", parts.GetValueOrDefault("Server", "127.0.0.1"), "-P", parts.GetValueOrDefault("Port", "3306"),
            "-u", parts.GetValueOrDefault("Uid", "im"), $"-p{parts.GetValueOrDefault("Pwd", "")}",
            "-e", $"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("mariadb client did not start");
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not create database {database}: {error}");
        }
        var current = parts.First(p => p.Key.Equals("Database", StringComparison.OrdinalIgnoreCase)).Key;
        return string.Join(';', parts.Select(p => p.Key == current ? $"{p.Key}={database}" : $"{p.Key}={p.Value}"));
    }
}
