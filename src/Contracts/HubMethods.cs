namespace ImSignalR.Contracts;

/// <summary>Names on the wire, shared by the hub, the SDKs' tests and the backplane. The wire types of
/// this namespace carry <c>[DataContract]</c> and a <c>[DataMember]</c> name per member equal to its JSON
/// (camelCase) name: the MessagePack protocol keys its maps by them (SPEC §3.4).</summary>
public static class HubMethods
{
    /// <summary>The hub's URL path.</summary>
    public const string HubPath = "/hubs/chat";
    /// <summary>Hub method <c>SendC2C</c>.</summary>
    public const string SendC2C = "SendC2C";
    /// <summary>Hub method <c>Ack</c>.</summary>
    public const string Ack = "Ack";
    /// <summary>Hub method <c>SyncMessages</c>.</summary>
    public const string SyncMessages = "SyncMessages";
    /// <summary>Hub method <c>GetHistory</c>.</summary>
    public const string GetHistory = "GetHistory";
    /// <summary>Hub method <c>GetConversations</c>.</summary>
    public const string GetConversations = "GetConversations";
    /// <summary>Hub method <c>BlockUser</c>.</summary>
    public const string BlockUser = "BlockUser";
    /// <summary>Hub method <c>UnblockUser</c>.</summary>
    public const string UnblockUser = "UnblockUser";
    /// <summary>Hub method <c>GetBlockedUsers</c>.</summary>
    public const string GetBlockedUsers = "GetBlockedUsers";
    /// <summary>Hub method <c>Typing</c>, and the server event of the same name (<see cref="TypingNotice"/>).</summary>
    public const string Typing = "Typing";
    /// <summary>Hub method <c>GetPresence</c>.</summary>
    public const string GetPresence = "GetPresence";
    /// <summary>Hub method <c>RecallMessage</c>.</summary>
    public const string RecallMessage = "RecallMessage";
    /// <summary>Server event: a message was recalled (<see cref="MessageRecall"/>).</summary>
    public const string MessageRecalled = "MessageRecalled";
    /// <summary>Hub method <c>CreateGroup</c>.</summary>
    public const string CreateGroup = "CreateGroup";
    /// <summary>Hub method <c>AddGroupMembers</c>.</summary>
    public const string AddGroupMembers = "AddGroupMembers";
    /// <summary>Hub method <c>RemoveGroupMembers</c>.</summary>
    public const string RemoveGroupMembers = "RemoveGroupMembers";
    /// <summary>Hub method <c>LeaveGroup</c>.</summary>
    public const string LeaveGroup = "LeaveGroup";
    /// <summary>Hub method <c>UpdateGroup</c>.</summary>
    public const string UpdateGroup = "UpdateGroup";
    /// <summary>Hub method <c>SetGroupRole</c>.</summary>
    public const string SetGroupRole = "SetGroupRole";
    /// <summary>Hub method <c>DismissGroup</c>.</summary>
    public const string DismissGroup = "DismissGroup";
    /// <summary>Hub method <c>GetGroups</c>.</summary>
    public const string GetGroups = "GetGroups";
    /// <summary>Hub method <c>GetGroupMembers</c>.</summary>
    public const string GetGroupMembers = "GetGroupMembers";
    /// <summary>Hub method <c>SendGroup</c>.</summary>
    public const string SendGroup = "SendGroup";
    /// <summary>Hub method <c>GetGroupReadReceipts</c>.</summary>
    public const string GetGroupReadReceipts = "GetGroupReadReceipts";
    /// <summary>Server event: a group message (<see cref="ImMessage"/>).</summary>
    public const string ReceiveGroup = "ReceiveGroup";
    /// <summary>Server event: a member read a group up to a seq (<see cref="GroupReadNotice"/>).</summary>
    public const string GroupRead = "GroupRead";
    /// <summary>Server event: a C2C message (<see cref="ImMessage"/>).</summary>
    public const string ReceiveC2C = "ReceiveC2C";
    /// <summary>Server event: a sent message was delivered or read (<see cref="MessageStatusUpdate"/>).</summary>
    public const string MessageStatus = "MessageStatus";
}
