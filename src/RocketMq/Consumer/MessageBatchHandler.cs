namespace ImSignalR.RocketMq.Consumer;

/// <summary>
/// Processes one pulled batch of one queue, in queue order. Returning commits the batch (the next offset);
/// throwing sends the batch back to <c>%RETRY%group</c> and then commits past it.
/// </summary>
// Public (issue 15) only so samples/ServiceClient can use this client without InternalsVisibleTo; not a supported API.
public delegate Task MessageBatchHandler(MessageQueue queue, IReadOnlyList<MessageExt> messages, CancellationToken cancellationToken);
