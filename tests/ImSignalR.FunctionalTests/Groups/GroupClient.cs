using System.Collections.Concurrent;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.FunctionalTests.Groups;

/// <summary>One device of a user on the official SignalR client, recording its group events (the SDKs are another workstream).</summary>
internal sealed class GroupClient : IAsyncDisposable
{
    private GroupClient(HubConnection connection, string userId)
    {
        Connection = connection;
        UserId = userId;
        connection.On<ImMessage>(HubMethods.ReceiveGroup, m => Received.Enqueue(m));
        connection.On<GroupReadNotice>(HubMethods.GroupRead, r => Reads.Enqueue(r));
    }

    public HubConnection Connection { get; }

    public string UserId { get; }

    public ConcurrentQueue<ImMessage> Received { get; } = new();

    public ConcurrentQueue<GroupReadNotice> Reads { get; } = new();

    public static async Task<GroupClient> ConnectAsync(HubProcess hub, string userId, string protocol = "json")
    {
        // Handlers are registered before the start: a push right after connecting must not be missed.
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(hub.BaseUri, HubMethods.HubPath), o =>
            {
                o.AccessTokenProvider = async () => await hub.TokenAsync(userId);
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            });
        if (protocol == "messagepack")
        {
            connection.AddMessagePackProtocol();
        }
        var client = new GroupClient(connection.Build(), userId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await client.Connection.StartAsync(timeout.Token);
        return client;
    }

    public Task<GroupInfo> CreateAsync(string name, params string[] memberIds) =>
        Connection.InvokeAsync<GroupInfo>(HubMethods.CreateGroup, new CreateGroupRequest { Name = name, MemberIds = memberIds });

    public Task<SendResult> SendAsync(string groupId, string content, IReadOnlyList<string>? mentions = null, string? clientMsgId = null) =>
        Connection.InvokeAsync<SendResult>(HubMethods.SendGroup, new SendGroupRequest
        {
            ClientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N"),
            GroupId = groupId,
            Content = content,
            MsgFormat = 1,
            Mentions = mentions,
        });

    public Task<AddGroupMembersResult> AddAsync(string groupId, params string[] userIds) =>
        Connection.InvokeAsync<AddGroupMembersResult>(HubMethods.AddGroupMembers, new GroupMembersRequest { GroupId = groupId, UserIds = userIds });

    public Task<RemoveGroupMembersResult> RemoveAsync(string groupId, params string[] userIds) =>
        Connection.InvokeAsync<RemoveGroupMembersResult>(HubMethods.RemoveGroupMembers, new GroupMembersRequest { GroupId = groupId, UserIds = userIds });

    public Task<SyncResult> SyncAsync(string chatId, long afterSeq = 0, int limit = 200) =>
        Connection.InvokeAsync<SyncResult>(HubMethods.SyncMessages, new SyncRequest { ChatId = chatId, AfterSeq = afterSeq, Limit = limit });

    public Task<HistoryResult> HistoryAsync(string chatId, long? beforeSeq = null, int limit = 200) =>
        Connection.InvokeAsync<HistoryResult>(HubMethods.GetHistory, new HistoryRequest { ChatId = chatId, BeforeSeq = beforeSeq, Limit = limit });

    public Task<AckResult> ReadAsync(params string[] msgIds) =>
        Connection.InvokeAsync<AckResult>(HubMethods.Ack, new AckRequest { MsgIds = msgIds, Status = "Read" });

    public Task<IReadOnlyList<Conversation>> ConversationsAsync() =>
        Connection.InvokeAsync<IReadOnlyList<Conversation>>(HubMethods.GetConversations);

    public Task<GroupMembersPage> MembersAsync(string groupId) =>
        Connection.InvokeAsync<GroupMembersPage>(HubMethods.GetGroupMembers, new GroupMembersQuery { GroupId = groupId });

    public Task<GroupReadReceipts> ReceiptsAsync(string chatId, long seq) =>
        Connection.InvokeAsync<GroupReadReceipts>(HubMethods.GetGroupReadReceipts, new GroupReadReceiptsRequest { ChatId = chatId, Seq = seq });

    /// <summary>The <c>IM_…</c> code of a refused call.</summary>
    public static async Task<string> RefusedAsync(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<HubException>(call);
        var message = refused.Message;
        var start = message.IndexOf("IM_", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no IM_ code in '{message}'");
        var end = message.IndexOf(':', start);
        return message[start..end];
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
