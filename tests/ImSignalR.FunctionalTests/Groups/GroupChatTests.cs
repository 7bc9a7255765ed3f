using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.FunctionalTests.Groups;

/// <summary>Issue 16 on the embedded hub (SQLite): windows, removal, hostile calls — each refused with its code and nothing changed.</summary>
public sealed class GroupChatTests(GroupChatTests.SmallGroupsHubFixture fixture) : IClassFixture<GroupChatTests.SmallGroupsHubFixture>
{
    private HubProcess Hub => fixture.Hub;

    [Fact]
    public async Task AMemberAddedAfterTwentyMessagesSyncsFromTheJoinPointOnly()
    {
        var (aliceId, bobId, carolId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"), HubFixture.NewUser("carol"));
        await using var alice = await GroupClient.ConnectAsync(Hub, aliceId);
        await using var carol = await GroupClient.ConnectAsync(Hub, carolId);
        var group = await alice.CreateAsync("before carol", bobId);
        for (var i = 0; i < 20; i++)
        {
            await alice.SendAsync(group.GroupId, $"early {i}");
        }
        Assert.Equal(1, (await alice.AddAsync(group.GroupId, carolId)).Added);
        var late = await alice.SendAsync(group.GroupId, "after carol joined");

        var sync = await carol.SyncAsync(group.ChatId);
        Assert.Equal(2, sync.Messages.Count); // the system message that adds her, then the new message
        Assert.Equal(201, sync.Messages[0].MsgFormat);
        Assert.Contains(carolId, sync.Messages[0].Content, StringComparison.Ordinal);
        Assert.Equal(22, sync.Messages[0].Seq); // 1 created, 2..21 the early messages
        Assert.Equal(late.Seq, sync.Messages[1].Seq);
        Assert.Equal(group.GroupId, sync.Messages[1].GroupId);
        Assert.Null(sync.Messages[1].ToUserId);
        Assert.Equal(late.Seq, sync.MaxSeqByChat[group.ChatId]);
        var history = await carol.HistoryAsync(group.ChatId);
        Assert.Equal([22L, late.Seq], history.Messages.Select(m => m.Seq));
        Assert.False(history.HasMore);
        // Her live connection joined the group's SignalR group when she was added.
        await Eventually.TrueAsync(() => carol.Received.Any(m => m.Seq == late.Seq), "carol's device gets the message sent after she joined");
        var conversation = (await carol.ConversationsAsync()).Single(c => c.ChatId == group.ChatId);
        Assert.Equal(2, conversation.Unread); // the add (by alice) and alice's message, nothing from before
        Assert.Equal(21, conversation.ReadSeq);
    }

    [Fact]
    public async Task ARemovedMemberIsForbiddenToSendSyncAckAndReadPastTheRemovalWhileTheOthersGoOn()
    {
        var (aliceId, bobId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"));
        await using var alice = await GroupClient.ConnectAsync(Hub, aliceId);
        await using var bob = await GroupClient.ConnectAsync(Hub, bobId);
        var group = await alice.CreateAsync("removal", bobId);
        var before = await bob.SendAsync(group.GroupId, "bob was here");
        Assert.Equal(1, (await alice.RemoveAsync(group.GroupId, bobId)).Removed);
        var after = await alice.SendAsync(group.GroupId, "after bob left");

        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => bob.SendAsync(group.GroupId, "still here?")));
        var window = await bob.SyncAsync(group.ChatId);
        Assert.Equal([1L, before.Seq, before.Seq + 1], window.Messages.Select(m => m.Seq)); // up to his removal, which he sees
        Assert.Equal(202, window.Messages[^1].MsgFormat);
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => bob.SyncAsync(group.ChatId, afterSeq: before.Seq + 1)));
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => bob.HistoryAsync(group.ChatId)));
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => bob.ReadAsync(after.MsgId)));
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => bob.ReadAsync(before.MsgId)));
        Assert.DoesNotContain(bob.Received, m => m.Seq == after.Seq);

        var next = await alice.SendAsync(group.GroupId, "alice goes on");
        Assert.Equal(after.Seq + 1, next.Seq);
        Assert.Single((await alice.MembersAsync(group.GroupId)).Members);
    }

    [Fact]
    public async Task HostileCallsAreRefusedWithTheirCodeAndChangeNothing()
    {
        var (ownerId, adminId, memberId, strangerId) =
            (HubFixture.NewUser("owner"), HubFixture.NewUser("admin"), HubFixture.NewUser("member"), HubFixture.NewUser("stranger"));
        await using var owner = await GroupClient.ConnectAsync(Hub, ownerId);
        await using var admin = await GroupClient.ConnectAsync(Hub, adminId);
        await using var stranger = await GroupClient.ConnectAsync(Hub, strangerId);
        var group = await owner.CreateAsync("hostile", adminId);
        await owner.Connection.InvokeAsync(HubMethods.SetGroupRole, new SetGroupRoleRequest { GroupId = group.GroupId, UserId = adminId, Role = "admin" });
        var seqBefore = (await owner.SyncAsync(group.ChatId)).MaxSeqByChat[group.ChatId];

        // A non-member: every call refused; a group id nobody created: not found.
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => stranger.SendAsync(group.GroupId, "let me in")));
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => stranger.SyncAsync(group.ChatId)));
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => stranger.HistoryAsync(group.ChatId)));
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => stranger.AddAsync(group.GroupId, strangerId)));
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => stranger.MembersAsync(group.GroupId)));
        Assert.Equal("IM_NOT_FOUND", await GroupClient.RefusedAsync(() => stranger.SendAsync("4242424242", "forged")));
        Assert.Equal("IM_INVALID_ARGUMENT", await GroupClient.RefusedAsync(() => stranger.SendAsync("grp:1", "malformed")));
        Assert.Equal("IM_INVALID_CHAT_ID", await GroupClient.RefusedAsync(() => stranger.SyncAsync("grp:007")));

        // An admin removing the owner; the owner leaving without a transfer; a client forging a system message.
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => admin.RemoveAsync(group.GroupId, ownerId)));
        Assert.Equal("IM_OWNER_MUST_TRANSFER", await GroupClient.RefusedAsync(() =>
            owner.Connection.InvokeAsync(HubMethods.LeaveGroup, new GroupRequest { GroupId = group.GroupId })));
        Assert.Equal("IM_INVALID_MSG_FORMAT", await GroupClient.RefusedAsync(() => owner.Connection.InvokeAsync<SendResult>(HubMethods.SendGroup,
            new SendGroupRequest { ClientMsgId = "forged-system", GroupId = group.GroupId, Content = "{}", MsgFormat = 202 })));

        // Oversized and empty names.
        Assert.Equal("IM_INVALID_ARGUMENT", await GroupClient.RefusedAsync(() => owner.CreateAsync(new string('n', 65))));
        Assert.Equal("IM_INVALID_ARGUMENT", await GroupClient.RefusedAsync(() => owner.Connection.InvokeAsync<GroupInfo>(HubMethods.UpdateGroup,
            new UpdateGroupRequest { GroupId = group.GroupId, Name = new string('n', 65) })));
        Assert.Equal("IM_INVALID_ARGUMENT", await GroupClient.RefusedAsync(() => owner.CreateAsync("   ")));

        // The member limit (3 here): a group of 3 refuses a 4th, whole call.
        Assert.Equal(1, (await admin.AddAsync(group.GroupId, memberId)).Added);
        Assert.Equal("IM_GROUP_LIMIT_EXCEEDED", await GroupClient.RefusedAsync(() => admin.AddAsync(group.GroupId, strangerId)));
        Assert.Equal("IM_GROUP_LIMIT_EXCEEDED", await GroupClient.RefusedAsync(() =>
            owner.CreateAsync("too big", adminId, memberId, strangerId)));

        var members = await owner.MembersAsync(group.GroupId);
        Assert.Equal(new[] { adminId, memberId, ownerId }.Order(StringComparer.Ordinal), members.Members.Select(m => m.UserId));
        Assert.Equal(ownerId, members.Members.Single(m => m.Role == "owner").UserId);
        var groups = await owner.Connection.InvokeAsync<IReadOnlyList<GroupInfo>>(HubMethods.GetGroups);
        var stored = groups.Single(g => g.GroupId == group.GroupId);
        Assert.Equal(("hostile", 3), (stored.Name, stored.MemberCount));
        // Only the one accepted add took a seq: every refused call left the timeline alone.
        Assert.Equal(seqBefore + 1, (await owner.SyncAsync(group.ChatId)).MaxSeqByChat[group.ChatId]);
    }

    [Fact]
    public async Task ReadCursorsMoveUnreadAndReceiptsNameTheReaders()
    {
        var (aliceId, bobId, carolId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"), HubFixture.NewUser("carol"));
        await using var alice = await GroupClient.ConnectAsync(Hub, aliceId);
        await using var bob = await GroupClient.ConnectAsync(Hub, bobId);
        await using var carol = await GroupClient.ConnectAsync(Hub, carolId);
        var group = await alice.CreateAsync("receipts", bobId, carolId);
        var first = await alice.SendAsync(group.GroupId, "one");
        var second = await alice.SendAsync(group.GroupId, "two, @bob", mentions: [bobId]);

        var bobsView = (await bob.ConversationsAsync()).Single(c => c.ChatId == group.ChatId);
        Assert.Equal((3L, true, "receipts"), (bobsView.Unread, bobsView.MentionedMe, bobsView.GroupName)); // created, one, two
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.Seq == second.Seq), "bob gets the message");
        Assert.Equal([bobId], bob.Received.Single(m => m.Seq == second.Seq).Mentions);

        Assert.Equal(1, (await bob.ReadAsync(second.MsgId)).Acked);
        Assert.Equal(1, (await bob.ReadAsync(first.MsgId)).Acked); // an older message does not lower the cursor
        bobsView = (await bob.ConversationsAsync()).Single(c => c.ChatId == group.ChatId);
        Assert.Equal((0L, false, second.Seq), (bobsView.Unread, bobsView.MentionedMe, bobsView.ReadSeq));
        await Eventually.TrueAsync(() => alice.Reads.Any(r => r.UserId == bobId && r.ReadSeq == second.Seq), "alice sees bob's read cursor");

        var receipts = await alice.ReceiptsAsync(group.ChatId, second.Seq);
        Assert.Equal((1, 1), (receipts.ReadCount, receipts.UnreadCount));
        Assert.Equal([bobId], receipts.Readers);
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => carol.ReceiptsAsync(group.ChatId, second.Seq))); // not the sender, not an admin
        Assert.Equal(1, (await carol.Connection.InvokeAsync<AckResult>(HubMethods.Ack, new AckRequest { MsgIds = [first.MsgId], Status = "Delivered" })).Acked);
        Assert.Equal(3L, (await carol.ConversationsAsync()).Single(c => c.ChatId == group.ChatId).Unread); // Delivered changed nothing
    }

    [Fact]
    public async Task RestHistoryAndConversationsIncludeGroupsWithinTheWindow()
    {
        var (aliceId, bobId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"));
        await using var alice = await GroupClient.ConnectAsync(Hub, aliceId);
        var group = await alice.CreateAsync("rest", bobId);
        var sent = await alice.SendAsync(group.GroupId, "over rest");
        await alice.RemoveAsync(group.GroupId, bobId);
        var after = await alice.SendAsync(group.GroupId, "not for bob");

        var history = await GetAsync<HistoryResult>($"/api/messages?chatId={Uri.EscapeDataString(group.ChatId)}", aliceId);
        Assert.Equal([1L, sent.Seq, sent.Seq + 1, after.Seq], history.Body!.Messages.Select(m => m.Seq));
        var conversations = await GetAsync<List<Conversation>>("/api/conversations", aliceId);
        var entry = Assert.Single(conversations.Body!, c => c.ChatId == group.ChatId);
        Assert.Equal((group.GroupId, after.Seq, "rest"), (entry.GroupId, entry.LastSeq, entry.GroupName));

        // bob, removed at sent.Seq + 1: his window over REST, nothing after it.
        var bobs = await GetAsync<HistoryResult>($"/api/messages?chatId={Uri.EscapeDataString(group.ChatId)}&beforeSeq={sent.Seq + 2}", bobId);
        Assert.Equal([1L, sent.Seq, sent.Seq + 1], bobs.Body!.Messages.Select(m => m.Seq));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await GetAsync<HistoryResult>($"/api/messages?chatId={Uri.EscapeDataString(group.ChatId)}", bobId)).Status);
        var bobsEntry = Assert.Single((await GetAsync<List<Conversation>>("/api/conversations", bobId)).Body!, c => c.ChatId == group.ChatId);
        Assert.Equal((sent.Seq + 1, 202), (bobsEntry.LastSeq, bobsEntry.LastMessage!.MsgFormat));
        var stranger = await GetAsync<HistoryResult>($"/api/messages?chatId={Uri.EscapeDataString(group.ChatId)}", HubFixture.NewUser("eve"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, stranger.Status);
    }

    [Fact]
    public async Task TheSenderAndAdminsRecallGroupMessagesAndEveryMembersDeviceIsTold()
    {
        var (aliceId, bobId, carolId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"), HubFixture.NewUser("carol"));
        await using var alice = await GroupClient.ConnectAsync(Hub, aliceId);
        await using var bob = await GroupClient.ConnectAsync(Hub, bobId);
        var recalls = new System.Collections.Concurrent.ConcurrentQueue<MessageRecall>();
        bob.Connection.On<MessageRecall>(HubMethods.MessageRecalled, r => recalls.Enqueue(r));
        var group = await alice.CreateAsync("recall", bobId, carolId);
        var bobs = await bob.SendAsync(group.GroupId, "oops");
        var alices = await alice.SendAsync(group.GroupId, "mine");

        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() =>
            bob.Connection.InvokeAsync<RecallResult>(HubMethods.RecallMessage, new RecallRequest { MsgId = alices.MsgId }))); // a member, not the sender
        var systemMessage = (await alice.SyncAsync(group.ChatId)).Messages[0];
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() =>
            alice.Connection.InvokeAsync<RecallResult>(HubMethods.RecallMessage, new RecallRequest { MsgId = systemMessage.MsgId })));
        await using var eve = await GroupClient.ConnectAsync(Hub, HubFixture.NewUser("eve"));
        Assert.Equal("IM_NOT_FOUND", await GroupClient.RefusedAsync(() =>
            eve.Connection.InvokeAsync<RecallResult>(HubMethods.RecallMessage, new RecallRequest { MsgId = bobs.MsgId })));

        var byOwner = await alice.Connection.InvokeAsync<RecallResult>(HubMethods.RecallMessage, new RecallRequest { MsgId = bobs.MsgId });
        Assert.Equal((group.ChatId, bobs.Seq), (byOwner.ChatId, byOwner.Seq));
        await Eventually.TrueAsync(() => recalls.Any(r => r.MsgId == bobs.MsgId && r.ByUserId == aliceId), "bob's device hears of the recall");
        var rows = (await bob.SyncAsync(group.ChatId)).Messages;
        var recalled = rows.Single(m => m.MsgId == bobs.MsgId);
        Assert.Equal((true, ""), (recalled.Recalled, recalled.Content));
        Assert.False(rows.Single(m => m.MsgId == alices.MsgId).Recalled);
    }

    [Fact]
    public async Task GetConversationsListsC2CAndGroupsTogetherNewestFirst()
    {
        var (aliceId, bobId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"));
        await using var alice = await GroupClient.ConnectAsync(Hub, aliceId);
        var direct = await alice.Connection.InvokeAsync<SendResult>(HubMethods.SendC2C, OfficialClients.OfficialClient.Text(bobId, "direct"));
        await Task.Delay(20);
        var group = await alice.CreateAsync("mixed", bobId);
        await alice.SendAsync(group.GroupId, "in the group");

        var list = await alice.ConversationsAsync();
        Assert.Equal([group.ChatId, direct.ChatId], list.Select(c => c.ChatId));
        Assert.Equal((bobId, (string?)null), (list[1].PeerUserId, list[1].GroupId));
        Assert.Equal(((string?)null, group.GroupId), (list[0].PeerUserId, list[0].GroupId));

        await Task.Delay(20);
        await alice.Connection.InvokeAsync<SendResult>(HubMethods.SendC2C, OfficialClients.OfficialClient.Text(bobId, "newer"));
        Assert.Equal([direct.ChatId, group.ChatId], (await alice.ConversationsAsync()).Select(c => c.ChatId));
    }

    private async Task<(System.Net.HttpStatusCode Status, T? Body)> GetAsync<T>(string path, string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await Hub.TokenAsync(userId));
        using var response = await Hub.Http.SendAsync(request);
        return (response.StatusCode, response.IsSuccessStatusCode
            ? await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<T>(response.Content)
            : default);
    }

    public sealed class SmallGroupsHubFixture : HubFixture
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
        {
            ["Im__Groups__MaxMembersPerGroup"] = "3",
            ["Im__Limits__SendsPerSecond"] = "10000",
            ["Im__Limits__SendBurst"] = "10000",
        };
    }
}
