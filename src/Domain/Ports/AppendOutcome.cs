using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>What became of one appended or applied event.</summary>
public enum AppendStatus
{
    /// <summary>The event is durable: a new send, or an offline mark or ack (redelivered ones included, they change nothing).</summary>
    Appended,
    /// <summary>A send whose <c>(fromUserId, clientMsgId)</c> is already stored; <see cref="AppendOutcome.Stored"/> is the first message.</summary>
    Duplicate,
    /// <summary>
    /// A send whose <c>(chatId, seq)</c> is taken by another message: the sequence allocator is behind the store. Only
    /// <see cref="IMessageEventStore.ApplyAsync"/> answers it; the log that met it gives the message a new seq
    /// (<see cref="Sequencing.SeqConflictResolver"/>), so <see cref="IMessageLog"/> and <see cref="IGroupLog"/> never do.
    /// </summary>
    SeqConflict,
}

/// <param name="Stored">
/// For <see cref="AppendStatus.Duplicate"/>, the message stored first. For <see cref="AppendStatus.Appended"/>, the
/// message as stored when the log had to move it to another seq (a seq conflict); null when it was stored as given.
/// </param>
public readonly record struct AppendOutcome(AppendStatus Status, ChatMessage? Stored = null)
{
    public static AppendOutcome Appended { get; } = new(AppendStatus.Appended);

    public static AppendOutcome Conflict { get; } = new(AppendStatus.SeqConflict);

    public static AppendOutcome DuplicateOf(ChatMessage existing) => new(AppendStatus.Duplicate, existing);

    /// <summary>
    /// This outcome as a log may give it: <see cref="AppendStatus.SeqConflict"/> never comes out of a log (the log resolves
    /// it), so one that does is a bug, failed loudly (<c>IM_INTERNAL</c>) rather than answered as accepted.
    /// </summary>
    public AppendOutcome FromLog() => Status == AppendStatus.SeqConflict
        ? throw new InvalidOperationException("A log reported a seq conflict; a log resolves those itself (SeqConflictResolver).")
        : this;

    /// <summary>Appended, at the seq of <paramref name="stored"/> instead of the one it was given.</summary>
    public static AppendOutcome AppendedAs(ChatMessage stored) => new(AppendStatus.Appended, stored);
}
