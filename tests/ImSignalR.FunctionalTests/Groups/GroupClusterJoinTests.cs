using ImSignalR.FunctionalTests.Cluster;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Groups;

/// <summary>
/// Members who connect after they were added join the group's SignalR group as they connect, on either node (the other
/// cluster test adds connected members, which moves them through presence).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupClusterJoinTests
{
    [Fact]
    public async Task MembersConnectingAfterTheyWereAddedGetThePushesOnBothNodes()
    {
        await using var cluster = await ClusterFixture.StartAsync();
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var (aliceId, bobId, carolId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"), HubFixture.NewUser("carol"));
        await using var alice = await GroupClient.ConnectAsync(node1, aliceId);
        var group = await alice.CreateAsync("join at connect", bobId, carolId);
        await using var bob = await GroupClient.ConnectAsync(node2, bobId);
        await using var carol = await GroupClient.ConnectAsync(node1, carolId);

        // The client's start returns at the handshake, before the hub's OnConnectedAsync joins the groups; a call is
        // dispatched only after it, so its answer means the joins are done (a push before that is found by seq sync, G5).
        await bob.ConversationsAsync();
        await carol.ConversationsAsync();
        var sent = await alice.SendAsync(group.GroupId, "hello");

        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Seq == sent.Seq) && carol.Received.Any(m => m.Seq == sent.Seq),
            $"both members get the message (bob on node 2: {bob.Received.Count}, carol on node 1: {carol.Received.Count})");
        await Task.Delay(300); // a late duplicate would show up now
        Assert.Single(bob.Received, m => m.Seq == sent.Seq);
        Assert.Single(carol.Received, m => m.Seq == sent.Seq);
    }
}
