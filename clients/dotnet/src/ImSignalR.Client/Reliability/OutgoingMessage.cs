using ImSignalR.Contracts;

namespace ImSignalR.Client.Reliability;

/// <summary>What the outbox sends: a C2C message (<see cref="Direct"/>) or a group message
/// (<see cref="Group"/>), exactly one of them.</summary>
internal sealed record OutgoingMessage
{
    private OutgoingMessage(SendRequest? direct, SendGroupRequest? group)
    {
        Direct = direct;
        Group = group;
    }

    public SendRequest? Direct { get; }

    public SendGroupRequest? Group { get; }

    /// <summary>The idempotency key, assigned before the message reaches the outbox.</summary>
    public string ClientMsgId => Group is null ? Direct!.ClientMsgId! : Group.ClientMsgId!;

    /// <summary>The queue it waits in: one per recipient or group. User ids cannot contain ':', so a
    /// group's queue never meets a peer's.</summary>
    public string Lane => Group is null ? Direct!.ToUserId! : "grp:" + Group.GroupId;

    public static OutgoingMessage Of(SendRequest request) => new(request, null);

    public static OutgoingMessage Of(SendGroupRequest request) => new(null, request);
}
