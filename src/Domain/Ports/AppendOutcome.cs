using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>What became of one appended or applied event.</summary>
public enum AppendStatus
{
    /// <summary>The event is durable: a new send, or an offline mark or ack (redelivered ones included, they change nothing).</summary>
    Appended,
    /// <summary>A send whose <c>(fromUserId, clientMsgId)</c> is already stored; <see cref="AppendOutcome.Existing"/> is the first message.</summary>
    Duplicate,
    /// <summary>A send whose <c>(chatId, seq)</c> is taken by another message: the sequence allocator is behind the store.</summary>
    SeqConflict,
}

/// <param name="Existing">For <see cref="AppendStatus.Duplicate"/>, the message stored first.</param>
public readonly record struct AppendOutcome(AppendStatus Status, ChatMessage? Existing = null)
{
    public static AppendOutcome Appended { get; } = new(AppendStatus.Appended);

    public static AppendOutcome Conflict { get; } = new(AppendStatus.SeqConflict);

    public static AppendOutcome DuplicateOf(ChatMessage existing) => new(AppendStatus.Duplicate, existing);
}
