namespace ImSignalR.Domain.Messaging;

/// <summary>
/// Delivery status, with the numeric values of the Java <c>im-business</c> <c>msgStatus</c> (SPEC §6).
/// Statuses only rise: a store update never lowers one.
/// </summary>
public enum MessageStatus
{
    Failed = -1,
    Reached = 1,
    Offline = 2,
    Delivered = 3,
    Read = 4,
}
