using System.Globalization;
using System.Text;
using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.IntegrationTests.RocketMq.Double;

namespace ImSignalR.IntegrationTests.RocketMq.Groups;

/// <summary>SPEC §10's group topic: the group service in RocketMQ mode, its events on their own topic, applied by the consumer.</summary>
public class RocketMqGroupTopicTests
{
    private static SendGroupRequest Text(string groupId, string clientMsgId, string content) =>
        new() { GroupId = groupId, ClientMsgId = clientMsgId, Content = content, MsgFormat = 1 };

    private static async Task<List<ImMessage>> SyncAllAsync(RocketMqGroupHarness h, string userId, string chatId)
    {
        var all = new List<ImMessage>();
        SyncResult page;
        do
        {
            page = await h.Service.SyncAsync(userId, chatId, all.Count == 0 ? 0 : all[^1].Seq, 100, CancellationToken.None);
            all.AddRange(page.Messages);
        }
        while (page.HasMore);
        return all;
    }

    private static int TypeOf(StoredRecord record) => JsonDocument.Parse(record.Body).RootElement.GetProperty("clusterEventType").GetInt32();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AGroupsEventsAreOnTheGroupTopicOnOneQueueAndStoredOnceInSeqOrder(bool localConsumer)
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        await using var h = await RocketMqGroupHarness.StartAsync(mq, localConsumer);
        var group = await h.Service.CreateAsync("alice", new CreateGroupRequest { Name = "team", MemberIds = ["bob", "carol"] }, CancellationToken.None);
        var sent = new List<SendResult>();
        for (var i = 0; i < 20; i++)
        {
            var from = i % 2 == 0 ? "alice" : "bob";
            var result = await h.Service.SendAsync(from, Text(group.GroupId, $"m{i}", $"hello {i}"), null, CancellationToken.None);
            sent.Add(result);
            // Read your writes: the sender's sync right after the send sees it.
            var page = await h.Service.SyncAsync(from, group.ChatId, result.Seq - 1, 10, CancellationToken.None);
            Assert.Contains(page.Messages, m => m.MsgId == result.MsgId);
        }
        var last = (await h.Store.GetByIdsAsync([long.Parse(sent[^1].MsgId, CultureInfo.InvariantCulture)], CancellationToken.None)).Single();
        var members = await h.Service.AuthorizeAckAsync("carol", [last], CancellationToken.None);
        await h.Service.AckAsync("carol", [last], MessageStatus.Read, members, CancellationToken.None);

        Assert.Equal(last.Seq, (await h.Groups.GetMemberAsync(long.Parse(group.GroupId, CultureInfo.InvariantCulture), "carol", CancellationToken.None))!.ReadSeq);
        var stored = await SyncAllAsync(h, "carol", group.ChatId);
        Assert.Equal(Enumerable.Range(1, 21).Select(s => (long)s), stored.Select(m => m.Seq));
        Assert.Equal(sent.Select(s => s.MsgId), stored.Skip(1).Select(m => m.MsgId));
        Assert.Equal(201, stored[0].MsgFormat);

        var records = h.GroupRecords();
        Assert.Equal(22, records.Count);
        Assert.Equal([150, .. Enumerable.Repeat(110, 20), 130], records.Select(r => TypeOf(r.Record)));
        Assert.Equal(["GROUP_CHANGE_MSG", .. Enumerable.Repeat("GROUP_SEND_MSG", 20), "GROUP_READ_MSG"], records.Select(r => r.Record.Tags));
        Assert.Single(records.Select(r => (r.Broker, r.Record.QueueId)).Distinct());
        Assert.Equal(sent.Select(s => s.MsgId), records.Skip(1).Take(20).Select(r => r.Record.Properties["KEYS"]));
        Assert.Equal(0, mq.TotalMessages(h.C2CTopic));
    }

    [Fact]
    public async Task GroupsSpreadOverTheQueuesByChatId()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        await using var h = await RocketMqGroupHarness.StartAsync(mq);
        var groups = new List<GroupInfo>();
        for (var i = 0; i < 12; i++)
        {
            groups.Add(await h.Service.CreateAsync("alice", new CreateGroupRequest { Name = $"g{i}", MemberIds = ["bob"] }, CancellationToken.None));
            await h.Service.SendAsync("bob", Text(groups[^1].GroupId, $"x{i}", "hi"), null, CancellationToken.None);
        }

        var byChat = h.GroupRecords().GroupBy(r => JsonDocument.Parse(r.Record.Body).RootElement.GetProperty("balanceId").GetString()).ToList();
        Assert.Equal(12, byChat.Count);
        Assert.All(byChat, chat => Assert.Single(chat.Select(r => (r.Broker, r.Record.QueueId)).Distinct()));
        Assert.True(byChat.Select(chat => (chat.First().Broker, chat.First().Record.QueueId)).Distinct().Count() > 1, "12 groups all on one queue");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARemovedMemberIsRefusedAtOnceAndAnAddedOneMaySendAtOnce(bool localConsumer)
    {
        await using var mq = RocketMqDouble.Start();
        await using var h = await RocketMqGroupHarness.StartAsync(mq, localConsumer);
        var group = await h.Service.CreateAsync("alice", new CreateGroupRequest { Name = "team", MemberIds = ["bob", "carol"] }, CancellationToken.None);
        await h.Service.SendAsync("carol", Text(group.GroupId, "c1", "before"), null, CancellationToken.None);

        var removed = await h.Service.RemoveMembersAsync("alice", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["carol"] }, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<ImException>(() => h.Service.SendAsync("carol", Text(group.GroupId, "c2", "after"), null, CancellationToken.None));

        Assert.Equal(1, removed.Removed);
        Assert.Equal(ImErrorCode.Forbidden, refused.Code);
        Assert.False((await h.Groups.GetMemberAsync(long.Parse(group.GroupId, CultureInfo.InvariantCulture), "carol", CancellationToken.None))!.IsCurrent);
        await Assert.ThrowsAsync<ImException>(() => h.Service.SendAsync("dave", Text(group.GroupId, "d1", "hi"), null, CancellationToken.None));
        Assert.Equal(1, (await h.Service.AddMembersAsync("alice", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["dave"] }, CancellationToken.None)).Added);
        var daves = await h.Service.SendAsync("dave", Text(group.GroupId, "d1", "hi"), null, CancellationToken.None);
        Assert.False(daves.Duplicate);
        // Dave sees from his join on: the system message that added him, then his own message.
        Assert.Equal([201, 1], (await SyncAllAsync(h, "dave", group.ChatId)).Select(m => m.MsgFormat));
    }

    [Fact]
    public async Task ARedeliveredGroupEventChangesNothing()
    {
        await using var mq = RocketMqDouble.Start();
        await using var h = await RocketMqGroupHarness.StartAsync(mq);
        var group = await h.Service.CreateAsync("alice", new CreateGroupRequest { Name = "team", MemberIds = ["bob", "carol"] }, CancellationToken.None);
        var groupId = long.Parse(group.GroupId, CultureInfo.InvariantCulture);
        var sends = new List<SendResult>();
        for (var i = 0; i < 5; i++)
        {
            sends.Add(await h.Service.SendAsync("bob", Text(group.GroupId, $"b{i}", $"m{i}"), null, CancellationToken.None));
        }
        var recalled = (await h.Store.GetByIdsAsync([long.Parse(sends[1].MsgId, CultureInfo.InvariantCulture)], CancellationToken.None)).Single();
        await h.Service.RecallAsync("bob", recalled, sends[1].MsgId, CancellationToken.None);
        await h.Service.AddMembersAsync("alice", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["dave"] }, CancellationToken.None);
        await h.Service.RemoveMembersAsync("alice", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["carol"] }, CancellationToken.None);
        var last = (await h.Store.GetByIdsAsync([long.Parse(sends[^1].MsgId, CultureInfo.InvariantCulture)], CancellationToken.None)).Single();
        await h.Service.AckAsync("bob", [last], MessageStatus.Read, await h.Service.AuthorizeAckAsync("bob", [last], CancellationToken.None), CancellationToken.None);

        async Task<string> SnapshotAsync()
        {
            var timeline = await SyncAllAsync(h, "alice", group.ChatId);
            var members = await h.Groups.GetCurrentMembersPageAsync(groupId, null, 100, CancellationToken.None);
            var info = await h.Groups.GetGroupAsync(groupId, CancellationToken.None);
            var carol = await h.Groups.GetMemberAsync(groupId, "carol", CancellationToken.None);
            return JsonSerializer.Serialize(new
            {
                timeline = timeline.Select(m => $"{m.Seq}/{m.MsgId}/{m.MsgFormat}/{m.Recalled}/{m.Content}"),
                members = members.Select(m => $"{m.UserId}/{m.Role}/{m.JoinSeq}/{m.ReadSeq}"),
                count = info!.MemberCount,
                lastSeq = info.LastSeq,
                carol = $"{carol!.JoinSeq}/{carol.LeaveSeq}",
            });
        }

        var before = await SnapshotAsync();
        var records = h.GroupRecords();
        Assert.Equal(10, records.Count); // created, 5 sends, recall, added, removed, read
        foreach (var (_, record) in records)
        {
            var chatId = JsonDocument.Parse(record.Body).RootElement.GetProperty("balanceId").GetString()!;
            await h.ProduceAndWaitAppliedAsync(record.Body, record.Tags, chatId);
        }

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(20, h.GroupRecords().Count);
        Assert.Equal(8, (await SyncAllAsync(h, "alice", group.ChatId)).Count); // created, 5 sends, added, removed
    }

    [Fact]
    public async Task ABodyThatIsNotAGroupEventIsSkippedAndTheQueueGoesOn()
    {
        await using var mq = RocketMqDouble.Start();
        await using var h = await RocketMqGroupHarness.StartAsync(mq);
        var group = await h.Service.CreateAsync("alice", new CreateGroupRequest { Name = "team", MemberIds = ["bob"] }, CancellationToken.None);
        var valid = h.GroupRecords().Single().Record.Body;

        await h.ProduceAndWaitAppliedAsync(Encoding.UTF8.GetBytes("not json"), "GROUP_SEND_MSG", group.ChatId);
        await h.ProduceAndWaitAppliedAsync(valid[..(valid.Length / 2)], "GROUP_CHANGE_MSG", group.ChatId);
        var result = await h.Service.SendAsync("bob", Text(group.GroupId, "b1", "still flowing"), null, CancellationToken.None);

        var timeline = await SyncAllAsync(h, "alice", group.ChatId);
        Assert.Equal([1L, result.Seq], timeline.Select(m => m.Seq));
        Assert.Equal(2, result.Seq);
    }

    [Fact]
    public async Task WithTheConsumerStoppedAGroupSendIsAcceptedAfterTheBoundAndAppliedOnceItRuns()
    {
        await using var mq = RocketMqDouble.Start();
        await using var h = await RocketMqGroupHarness.StartAsync(mq, applyTimeout: TimeSpan.FromSeconds(1));
        var group = await h.Service.CreateAsync("alice", new CreateGroupRequest { Name = "team", MemberIds = ["bob"] }, CancellationToken.None);
        await h.Consumer.StopAsync(CancellationToken.None);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await h.Service.SendAsync("bob", Text(group.GroupId, "late-1", "while the consumer is down"), null, CancellationToken.None);
        clock.Stop();

        // Durable (SEND_OK), so accepted once the bound passed; not in the store yet.
        Assert.False(result.Duplicate);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"the send waited only {clock.Elapsed}");
        Assert.Equal([110], h.GroupRecords().Skip(1).Select(r => TypeOf(r.Record)));
        Assert.Null(await h.Store.FindByClientMsgIdAsync("bob", "late-1", CancellationToken.None));
        await h.Consumer.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + RocketMqTestKit.Patience;
        while (await h.Store.FindByClientMsgIdAsync("bob", "late-1", CancellationToken.None) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the restarted consumer applies the accepted send");
            await Task.Delay(50);
        }
        Assert.Equal([1L, result.Seq], (await SyncAllAsync(h, "alice", group.ChatId)).Select(m => m.Seq));
    }

    [Fact]
    public async Task ASeqTakenInTheStoreIsFoundAfterTheApplyAndTheSendTakesTheNextOne()
    {
        await using var mq = RocketMqDouble.Start();
        await using var h = await RocketMqGroupHarness.StartAsync(mq);
        var group = await h.Service.CreateAsync("alice", new CreateGroupRequest { Name = "team", MemberIds = ["bob"] }, CancellationToken.None);
        var first = await h.Service.SendAsync("bob", Text(group.GroupId, "b1", "one"), null, CancellationToken.None);
        h.Sequences.RewindOnce(first.Seq);

        var second = await h.Service.SendAsync("bob", Text(group.GroupId, "b2", "two"), null, CancellationToken.None);

        // The event at the taken seq is on the topic and refused by the store; the send reseeded and went on.
        Assert.Equal(first.Seq + 1, second.Seq);
        Assert.False(second.Duplicate);
        Assert.Equal([150, 110, 110, 110], h.GroupRecords().Select(r => TypeOf(r.Record)));
        var timeline = await SyncAllAsync(h, "alice", group.ChatId);
        Assert.Equal([1L, first.Seq, second.Seq], timeline.Select(m => m.Seq));
        Assert.Equal(["one", "two"], timeline.Skip(1).Select(m => m.Content));
        Assert.Equal(second.MsgId, (await h.Store.FindByClientMsgIdAsync("bob", "b2", CancellationToken.None))!.MsgId.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TheSameClientMsgIdSentTwiceIsOneMessageAndTheSecondAnswersDuplicate()
    {
        await using var mq = RocketMqDouble.Start();
        await using var h = await RocketMqGroupHarness.StartAsync(mq);
        var group = await h.Service.CreateAsync("alice", new CreateGroupRequest { Name = "team", MemberIds = ["bob"] }, CancellationToken.None);

        var sends = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => h.Service.SendAsync("bob", Text(group.GroupId, "same", "once"), null, CancellationToken.None)));

        Assert.Single(sends.Select(s => s.MsgId).Distinct());
        Assert.Single(sends, s => !s.Duplicate);
        Assert.Equal(2, (await SyncAllAsync(h, "alice", group.ChatId)).Count);
    }
}
