namespace ImSignalR.Domain.Contracts;

/// <summary>Names on the wire, shared by the hub, the SDKs' tests and the backplane.</summary>
public static class HubMethods
{
    public const string HubPath = "/hubs/chat";
    public const string SendC2C = "SendC2C";
    public const string Ack = "Ack";
    public const string SyncMessages = "SyncMessages";
    public const string GetHistory = "GetHistory";
    public const string GetConversations = "GetConversations";
    public const string ReceiveC2C = "ReceiveC2C";
    public const string MessageStatus = "MessageStatus";
}
