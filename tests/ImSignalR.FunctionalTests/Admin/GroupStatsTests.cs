using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Groups;
using ImSignalR.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.FunctionalTests.Admin;

/// <summary>
/// SPEC §12's group counters through <c>GET /api/admin/stats</c> on an embedded node of its own: what the group sends,
/// creations, recalls and refusals were, exactly — duplicates, repeated recalls and system messages add nothing.
/// </summary>
public sealed class GroupStatsTests : IAsyncLifetime
{
    private string _words = null!;
    private HubProcess _hub = null!;

    public async Task InitializeAsync()
    {
        _words = await StatsScenario.WordsFileAsync();
        _hub = await HubProcess.StartAsync(new Dictionary<string, string> { ["Im__Moderation__WordsFile"] = _words });
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        File.Delete(_words);
    }

    [Fact]
    public async Task TheGroupCountersOfTodayAreExactlyWhatWasSentCreatedRecalledAndRefused()
    {
        var (aliceId, bobId, carolId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"), HubFixture.NewUser("carol"));
        await using var alice = await GroupClient.ConnectAsync(_hub, aliceId);
        await using var bob = await GroupClient.ConnectAsync(_hub, bobId);
        await using var carol = await GroupClient.ConnectAsync(_hub, carolId);

        var team = await alice.CreateAsync("team", bobId);
        await bob.CreateAsync("pair", aliceId);
        await alice.AddAsync(team.GroupId, carolId); // a system message, not a send
        var first = await alice.SendAsync(team.GroupId, "hello team");
        await alice.SendAsync(team.GroupId, "second");
        var bobs = await bob.SendAsync(team.GroupId, "hi", clientMsgId: "bob-once");
        Assert.True((await bob.SendAsync(team.GroupId, "hi", clientMsgId: "bob-once")).Duplicate);
        Assert.Equal(bobs.MsgId, (await bob.SendAsync(team.GroupId, "hi", clientMsgId: "bob-once")).MsgId);
        Assert.Equal("IM_CONTENT_BLOCKED", await GroupClient.RefusedAsync(() => carol.SendAsync(team.GroupId, $"a {StatsScenario.BlockedTerm}")));
        await alice.Connection.InvokeAsync<RecallResult>(HubMethods.RecallMessage, new RecallRequest { MsgId = first.MsgId });
        await alice.Connection.InvokeAsync<RecallResult>(HubMethods.RecallMessage, new RecallRequest { MsgId = first.MsgId }); // idempotent

        // Carol's refused send makes her no sender; moderation hits reach the store within the flusher's second.
        var expected = new GroupTotals(MessagesGroup: 3, GroupsCreated: 2, ActiveSenders: 2, Recalls: 1, ModerationHits: 1, MessagesC2c: 0, NewConversations: 0);
        GroupTotals? seen = null;
        await _hub.ExplainFailureAsync("group stats", async () =>
        {
            await Eventually.TrueAsync(async () => (seen = await TotalsAsync()) == expected, $"the stats show {expected}", TimeSpan.FromSeconds(20));
            return true;
        });
        Assert.Equal(expected, seen);
    }

    /// <summary>Yesterday to tomorrow (UTC), summed: the test may cross midnight.</summary>
    private async Task<GroupTotals> TotalsAsync()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        using var response = await StatsScenario.GetAsync(_hub, StatsScenario.Query(today.AddDays(-1), today.AddDays(1)),
            await _hub.TokenAsync("ops-admin", "im:admin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var days = (await response.Content.ReadFromJsonAsync<JsonElement[]>())!;
        long Sum(string name) => days.Sum(d => d.GetProperty(name).GetInt64());
        return new GroupTotals(Sum("messagesGroup"), Sum("groupsCreated"), Sum("activeSenders"), Sum("recalls"), Sum("moderationHits"),
            Sum("messagesC2c"), Sum("newConversations"));
    }

    private sealed record GroupTotals(long MessagesGroup, long GroupsCreated, long ActiveSenders, long Recalls, long ModerationHits, long MessagesC2c,
        long NewConversations);
}
