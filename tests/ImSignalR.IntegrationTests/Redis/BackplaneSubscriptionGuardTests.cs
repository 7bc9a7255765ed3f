using ImSignalR.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ImSignalR.IntegrationTests.Redis;

/// <summary>
/// A reconnect after which SE.Redis's one fire-and-forget re-subscription went nowhere: the pub/sub connection is back
/// but holds none of the node's channels, so the backplane delivers nothing to it. Made here by a private Redis that
/// refuses every channel (ACL) while the connection comes back, then allows them again.
/// </summary>
public sealed class BackplaneSubscriptionGuardTests
{
    [Fact]
    public async Task SubscriptionsAReconnectDidNotRestoreAreSubscribedAgain()
    {
        await using var server = await RedisServerProcess.StartAsync();
        var config = RedisMultiplexer.Configure(new ImRedisOptions { Configuration = server.Endpoint });
        // The handshake's own configuration channel would be refused too, and keep the connection from coming back at all.
        config.ConfigurationChannel = "";
        await using var node = await ConnectionMultiplexer.ConnectAsync(config);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var adminServer = admin.GetServer(admin.GetEndPoints()[0]);
        var pushes = RedisChannel.Literal("pushes");
        var pushesSeenByAdmin = RedisChannel.Literal("im:pushes"); // the node's multiplexer prefixes its channels with Im:Redis:Prefix
        await node.GetSubscriber().SubscribeAsync(pushes, static (_, _) => { });
        Assert.Equal(1, await admin.GetSubscriber().PublishAsync(pushesSeenByAdmin, "before"));
        var guard = new BackplaneSubscriptionGuard(node, NullLogger<BackplaneSubscriptionGuard>.Instance);
        await guard.StartAsync(CancellationToken.None);
        try
        {
            var canaryChannels = RedisChannel.Pattern("im:backplane-canary:*");
            await Eventually.TrueAsync(async () => (await adminServer.SubscriptionChannelsAsync(canaryChannels)).Length == 1, "the canary is subscribed");

            // Redis 7 closes the connection whose channels the ACL no longer allows; its SUBSCRIBEs then fail with NOPERM.
            await adminServer.ExecuteAsync("ACL", "SETUSER", "default", "resetchannels");
            await Eventually.TrueAsync(() => node.GetServer(node.GetEndPoints()[0]).IsConnected && node.GetSubscriber().IsConnected(), "the node reconnected");
            await Task.Delay(500);
            await adminServer.ExecuteAsync("ACL", "SETUSER", "default", "allchannels");
            Assert.Equal(0, await admin.GetSubscriber().PublishAsync(pushesSeenByAdmin, "lost")); // the loss SE.Redis leaves as it is

            await Eventually.TrueAsync(async () => await admin.GetSubscriber().PublishAsync(pushesSeenByAdmin, "found") == 1,
                "the guard had the channels subscribed again", timeoutMs: 15_000);
        }
        finally
        {
            await guard.StopAsync(CancellationToken.None);
        }
    }
}
