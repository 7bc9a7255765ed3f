using System.Reflection;
using ImSignalR.Contracts;
using Sdk = ImSignalR.Client.Models;

namespace ImSignalR.UnitTests.Client;

/// <summary>
/// The .NET SDK mirrors the hub's wire DTOs instead of referencing the server's assemblies (it must run
/// where only the base runtime exists). This keeps the mirror from drifting: same camelCase member
/// names, same value kinds.
/// </summary>
public sealed class ContractDriftTests
{
    public static TheoryData<Type, Type> ResponsePairs => new()
    {
        { typeof(MessageDto), typeof(Sdk.ImMessage) },
        { typeof(SendC2CResult), typeof(Sdk.SendResult) },
        { typeof(AckResult), typeof(Sdk.AckResult) },
        { typeof(SyncResult), typeof(Sdk.SyncResult) },
        { typeof(HistoryResult), typeof(Sdk.HistoryResult) },
        { typeof(ConversationDto), typeof(Sdk.Conversation) },
        { typeof(MessageStatusEvent), typeof(Sdk.MessageStatusUpdate) },
        { typeof(BlockResult), typeof(Sdk.BlockResult) },
        { typeof(BlockedUsersResult), typeof(Sdk.BlockedUsersResult) },
        { typeof(TypingEvent), typeof(Sdk.TypingNotice) },
        { typeof(PresenceDto), typeof(Sdk.PresenceInfo) },
        { typeof(RecallResult), typeof(Sdk.RecallResult) },
        { typeof(MessageRecalledEvent), typeof(Sdk.MessageRecall) },
        { typeof(GroupDto), typeof(Sdk.GroupInfo) },
        { typeof(AddGroupMembersResult), typeof(Sdk.AddGroupMembersResult) },
        { typeof(RemoveGroupMembersResult), typeof(Sdk.RemoveGroupMembersResult) },
        { typeof(GroupMemberDto), typeof(Sdk.GroupMember) },
        { typeof(GroupMembersResult), typeof(Sdk.GroupMembersPage) },
        { typeof(GroupReadReceiptsResult), typeof(Sdk.GroupReadReceipts) },
        { typeof(GroupReadEvent), typeof(Sdk.GroupReadNotice) },
    };

    [Theory]
    [MemberData(nameof(ResponsePairs))]
    public void EveryServerMemberHasAnSdkMemberOfTheSameKind(Type server, Type client)
    {
        var clientMembers = Members(client);
        foreach (var (name, kind) in Members(server))
        {
            Assert.True(clientMembers.TryGetValue(name, out var clientKind), $"{client.Name} lacks '{name}' of {server.Name}");
            Assert.Equal(kind, clientKind);
        }
        Assert.Empty(clientMembers.Keys.Except(Members(server).Keys));
    }

    public static TheoryData<Type, Type> RequestPairs => new()
    {
        { typeof(SendC2CRequest), typeof(Sdk.SendRequest) },
        { typeof(AckRequest), typeof(Sdk.AckRequest) },
        { typeof(SyncRequest), typeof(Sdk.SyncRequest) },
        { typeof(HistoryRequest), typeof(Sdk.HistoryRequest) },
        { typeof(BlockRequest), typeof(Sdk.BlockRequest) },
        { typeof(TypingRequest), typeof(Sdk.TypingRequest) },
        { typeof(PresenceRequest), typeof(Sdk.PresenceRequest) },
        { typeof(RecallRequest), typeof(Sdk.RecallRequest) },
        { typeof(CreateGroupRequest), typeof(Sdk.CreateGroupRequest) },
        { typeof(GroupMembersRequest), typeof(Sdk.GroupMembersRequest) },
        { typeof(GroupRequest), typeof(Sdk.GroupRequest) },
        { typeof(UpdateGroupRequest), typeof(Sdk.UpdateGroupRequest) },
        { typeof(SetGroupRoleRequest), typeof(Sdk.SetGroupRoleRequest) },
        { typeof(GetGroupMembersRequest), typeof(Sdk.GroupMembersQuery) },
        { typeof(SendGroupRequest), typeof(Sdk.SendGroupRequest) },
        { typeof(GroupReadReceiptsRequest), typeof(Sdk.GroupReadReceiptsRequest) },
    };

    [Theory]
    [MemberData(nameof(RequestPairs))]
    public void TheSdkSendsOnlyMembersTheHubBinds(Type server, Type client)
    {
        var hub = Members(server);
        foreach (var (name, kind) in Members(client))
        {
            Assert.True(hub.TryGetValue(name, out var hubKind), $"the hub's {server.Name} has no '{name}'");
            Assert.Equal(hubKind, kind);
        }
    }

    private static Dictionary<string, string> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is not null && p.Name != "EqualityContract")
            .ToDictionary(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p => Kind(p.PropertyType));

    // The kind a value has on the wire: number, string, bool, list or map — not the exact CLR type
    // (the SDK uses records and its own element types, the server its DTO classes).
    private static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "string";
        }
        if (type == typeof(bool))
        {
            return "bool";
        }
        if (type.IsPrimitive)
        {
            return "number";
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition().Name.Contains("Dictionary", StringComparison.Ordinal))
        {
            return "map";
        }
        if (type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            return "list";
        }
        return "object";
    }
}
