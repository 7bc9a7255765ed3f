namespace ImSignalR.Contracts;

/// <summary>Names on the wire, shared by the hub, the SDKs' tests and the backplane. The wire types of
/// this namespace carry <c>[DataContract]</c> and a <c>[DataMember]</c> name per member equal to its JSON
/// (camelCase) name: the MessagePack protocol keys its maps by them (SPEC §3.4).</summary>
public static class HubMethods
{
    public const string HubPath = "/hubs/chat";
    public const string SendC2C = "SendC2C";
    public const string Ack = "Ack";
    public const string SyncMessages = "SyncMessages";
    public const string GetHistory = "GetHistory";
    public const string GetConversations = "GetConversations";
    public const string BlockUser = "BlockUser";
    public const string UnblockUser = "UnblockUser";
    public const string GetBlockedUsers = "GetBlockedUsers";
    public const string Typing = "Typing";
    public const string GetPresence = "GetPresence";
    public const string RecallMessage = "RecallMessage";
    public const string MessageRecalled = "MessageRecalled";
    public const string CreateGroup = "CreateGroup";
    public const string AddGroupMembers = "AddGroupMembers";
    public const string RemoveGroupMembers = "RemoveGroupMembers";
    public const string LeaveGroup = "LeaveGroup";
    public const string UpdateGroup = "UpdateGroup";
    public const string SetGroupRole = "SetGroupRole";
    public const string DismissGroup = "DismissGroup";
    public const string GetGroups = "GetGroups";
    public const string GetGroupMembers = "GetGroupMembers";
    public const string SendGroup = "SendGroup";
    public const string GetGroupReadReceipts = "GetGroupReadReceipts";
    public const string ReceiveGroup = "ReceiveGroup";
    public const string GroupRead = "GroupRead";
    public const string ReceiveC2C = "ReceiveC2C";
    public const string MessageStatus = "MessageStatus";
}
