using System.Collections.Concurrent;
using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ImSignalR.FunctionalTests.Client;

/// <summary>SPEC §10 through the .NET SDK against a real hub: group messages join the SDK's ordered, deduplicated
/// inbox, a member whose socket drops catches the group up by sync, and read acks reach the sender.</summary>
public sealed class GroupSdkTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> FastHub = new()
    {
        ["Im__Limits__SendsPerSecond"] = "100000",
        ["Im__Limits__SendBurst"] = "100000",
    };

    private static ImChatClientOptions Fast(ImChatClientOptions options) => options with
    {
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        InvocationTimeout = TimeSpan.FromSeconds(5),
        SendRetryInitialDelay = TimeSpan.FromMilliseconds(50),
        SendRetryMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    private static ImMessage[] UserMessages(RecordingClient client, string chatId) =>
        client.Received.Where(m => m.ChatId == chatId && m.MsgFormat < 200).ToArray();

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ThreeMembersSeeEachGroupMessageOnceInSeqOrderAlsoTheOneWhoseSocketDrops(string protocol)
    {
        const int perSender = 100;
        await using var hub = await HubProcess.StartAsync(FastHub);
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), protocol, reliable: true, configure: Fast);
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"), protocol, reliable: true, configure: Fast);
        await using var carol = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("carol"), protocol, reliable: true, configure: Fast);

        var group = await alice.Client.CreateGroupAsync("trip", [bob.UserId, carol.UserId]);
        Assert.Equal(ImChatClient.GroupChatId(group.GroupId), group.ChatId);
        Assert.Equal(3, group.MemberCount);
        Assert.Contains(await carol.Client.GetGroupsAsync(), g => g.GroupId == group.GroupId);

        var sends = Enumerable.Range(0, perSender)
            .SelectMany(i => new[]
            {
                alice.Client.SendGroupAsync(new SendGroupRequest { GroupId = group.GroupId, Content = $"a{i}" }),
                bob.Client.SendGroupAsync(new SendGroupRequest { GroupId = group.GroupId, Content = $"b{i}", Mentions = i == 0 ? [carol.UserId] : null }),
            })
            .ToArray();
        var drops = 0;
        foreach (var threshold in new[] { 40, 120 })
        {
            await Eventually.TrueAsync(() => UserMessages(carol, group.ChatId).Length >= threshold || sends.All(s => s.IsCompleted), $"{threshold} received", TimeSpan.FromSeconds(60));
            carol.Client.AbortConnection();
            drops++;
            await Eventually.TrueAsync(() => carol.Client.IsConnected, "carol reconnects", TimeSpan.FromSeconds(30));
        }
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(90));
        Assert.All(results, r => Assert.Equal(group.ChatId, r.ChatId));
        Assert.Equal(results.Length, results.Select(r => r.Seq).Distinct().Count());

        // The SDK hands a member the others' messages; its own are its send results.
        var expectations = new[] { (alice, "b"), (bob, "a"), (carol, "") };
        foreach (var (member, from) in expectations)
        {
            var expected = results.Where((_, i) => from == "" || (i % 2 == 0 ? "a" : "b") == from).OrderBy(r => r.Seq).Select(r => r.MsgId).ToArray();
            await Eventually.TrueAsync(() => UserMessages(member, group.ChatId).Length >= expected.Length, $"{member.UserId}'s messages", TimeSpan.FromSeconds(60));
            var got = UserMessages(member, group.ChatId);
            Assert.Equal(expected, got.Select(m => m.MsgId));
            Assert.Equal(got.Select(m => m.Seq).Order(), got.Select(m => m.Seq));
            Assert.All(got, m => Assert.Equal(group.GroupId, m.GroupId));
            Assert.All(got, m => Assert.Null(m.ToUserId));
        }
        Assert.Equal([carol.UserId], UserMessages(carol, group.ChatId).Single(m => m.Content == "b0").Mentions);
        output.WriteLine($"{protocol}: {results.Length} group sends, carol dropped {drops} times, received {UserMessages(carol, group.ChatId).Length}");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task GroupManagementCallsWorkAndEachChangeIsANoticeInTheTimeline(string protocol)
    {
        await using var hub = await HubProcess.StartAsync(FastHub);
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), protocol, reliable: true, configure: Fast);
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"), protocol, reliable: true, configure: Fast);
        await using var carol = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("carol"), protocol, reliable: true, configure: Fast);

        var group = await alice.Client.CreateGroupAsync("first", [bob.UserId]);
        Assert.Equal(1, await alice.Client.AddGroupMembersAsync(group.GroupId, [carol.UserId, bob.UserId]));
        Assert.Equal("second", (await alice.Client.UpdateGroupAsync(group.GroupId, "second")).Name);
        await alice.Client.SetGroupRoleAsync(group.GroupId, bob.UserId, "admin");
        Assert.Equal(1, await bob.Client.RemoveGroupMembersAsync(group.GroupId, [carol.UserId]));
        var refused = await Assert.ThrowsAsync<ImServerException>(() => alice.Client.LeaveGroupAsync(group.GroupId));
        Assert.Equal("IM_OWNER_MUST_TRANSFER", refused.Code);
        await alice.Client.SetGroupRoleAsync(group.GroupId, bob.UserId, "owner");
        await alice.Client.LeaveGroupAsync(group.GroupId);
        await bob.Client.DismissGroupAsync(group.GroupId);
        var dismissed = await Assert.ThrowsAsync<ImServerException>(() => bob.Client.SendGroupTextAsync(group.GroupId, "anyone?"));
        Assert.Equal("IM_GROUP_DISMISSED", dismissed.Code);
        Assert.DoesNotContain(await alice.Client.GetGroupsAsync(), g => g.GroupId == group.GroupId);

        // Every change, bob's own too (a notice is the server's message, not a send of his), once and in seq order:
        // created, carol added, renamed, bob made admin, carol removed, ownership to bob, alice left, dismissed.
        int[] expected = [201, 201, 204, 205, 202, 205, 203, 206];
        await Eventually.TrueAsync(() => bob.Received.Count(m => m.ChatId == group.ChatId) >= expected.Length, "bob's notices");
        var notices = bob.Received.Where(m => m.ChatId == group.ChatId).ToArray();
        output.WriteLine(string.Join(", ", notices.Select(m => $"{m.Seq}:{m.MsgFormat}")));
        Assert.Equal(notices.Select(m => m.Seq).Order(), notices.Select(m => m.Seq));
        Assert.Equal(expected, notices.Select(m => m.MsgFormat));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task AReadAckRaisesTheReadersCursorTheSenderHearsItAndReceiptsNameTheReader(string protocol)
    {
        await using var hub = await HubProcess.StartAsync(FastHub);
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), protocol, reliable: true, configure: Fast);
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"), protocol, reliable: true, configure: Fast);
        await using var carol = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("carol"), protocol, reliable: true, configure: Fast);
        var reads = new ConcurrentQueue<GroupReadNotice>();
        alice.Client.GroupReadReceived += r =>
        {
            reads.Enqueue(r);
            return Task.CompletedTask;
        };

        var group = await alice.Client.CreateGroupAsync("receipts", [bob.UserId, carol.UserId]);
        await alice.Client.SendGroupTextAsync(group.GroupId, "one");
        var last = await alice.Client.SendGroupTextAsync(group.GroupId, "two");
        await Eventually.TrueAsync(() => UserMessages(bob, group.ChatId).Any(m => m.MsgId == last.MsgId), "bob has both");

        await bob.Client.MarkGroupReadAsync(UserMessages(bob, group.ChatId).Single(m => m.MsgId == last.MsgId));
        await Eventually.TrueAsync(() => reads.Any(r => r.UserId == bob.UserId && r.ReadSeq == last.Seq && r.ChatId == group.ChatId), "GroupRead for bob");
        var receipts = await alice.Client.GetGroupReadReceiptsAsync(group.ChatId, last.Seq);
        Assert.Equal(1, receipts.ReadCount);
        Assert.Equal(1, receipts.UnreadCount);
        Assert.Equal([bob.UserId], receipts.Readers);

        var members = await carol.Client.GetGroupMembersAsync(group.GroupId);
        Assert.Equal(new[] { alice.UserId, bob.UserId, carol.UserId }.Order(StringComparer.Ordinal), members.Members.Select(m => m.UserId).Order(StringComparer.Ordinal));
        Assert.Equal("owner", members.Members.Single(m => m.UserId == alice.UserId).Role);
        var conversation = (await carol.Client.GetConversationsAsync()).Single(c => c.ChatId == group.ChatId);
        Assert.Equal("receipts", conversation.GroupName);
    }
}
