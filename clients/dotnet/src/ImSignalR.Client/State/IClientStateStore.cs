using ImSignalR.Contracts;

namespace ImSignalR.Client.State;

/// <summary>
/// Where an <see cref="ImChatClient"/> keeps what must survive a restart of the app: the outbox (sends
/// not yet confirmed), the newest seq the app has handled per conversation, and the dedupe window
/// (msgIds already handed over). Rows are keyed by user id, so one store can serve several accounts.
/// <see cref="SqliteClientStateStore"/> is the file-backed implementation; without a store the client
/// keeps all of it in memory.
/// </summary>
public interface IClientStateStore
{
    /// <summary>Everything stored for <paramref name="userId"/>: the outbox in send order, the cursors,
    /// and the newest <paramref name="seenCapacity"/> msgIds of the dedupe window, oldest first.</summary>
    Task<ClientState> LoadAsync(string userId, int seenCapacity, CancellationToken cancellationToken);

    /// <summary>Adds a send to the outbox; durable when the task completes (the client sends it only then).
    /// Adding a clientMsgId that is already there keeps the first one.</summary>
    Task AddSendAsync(string userId, SendRequest request, CancellationToken cancellationToken);

    /// <summary>Adds a group send to the outbox, as <see cref="AddSendAsync"/> does a C2C one. A store written
    /// before group chat does not have it: group sends through the client then fail with
    /// <see cref="NotSupportedException"/> (C2C sends are unaffected).</summary>
    Task AddGroupSendAsync(string userId, SendGroupRequest request, CancellationToken cancellationToken) =>
        Task.FromException(new NotSupportedException($"{GetType().Name} does not store group sends: implement {nameof(IClientStateStore)}.{nameof(AddGroupSendAsync)}."));

    /// <summary>Removes a send (C2C or group) the server confirmed or refused for good.</summary>
    Task RemoveSendAsync(string userId, string clientMsgId, CancellationToken cancellationToken);

    /// <summary>Raises cursors (a stored cursor never moves back) and adds msgIds to the dedupe window,
    /// forgetting the oldest beyond <paramref name="seenCapacity"/>; in one transaction.</summary>
    Task SaveProgressAsync(string userId, IReadOnlyDictionary<string, long> cursors, IReadOnlyList<string> seenMsgIds, int seenCapacity, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IClientStateStore.LoadAsync"/> returns.</summary>
/// <param name="Outbox">Unconfirmed sends, oldest first; each keeps its clientMsgId, so a resend is idempotent.</param>
/// <param name="Cursors">Per conversation, the newest seq the app has handled.</param>
/// <param name="SeenMsgIds">The dedupe window, oldest first.</param>
public sealed record ClientState(IReadOnlyList<SendRequest> Outbox, IReadOnlyDictionary<string, long> Cursors, IReadOnlyList<string> SeenMsgIds)
{
    /// <summary>Unconfirmed group sends, oldest first (a group has its own queue, so their order against
    /// <see cref="Outbox"/> does not matter).</summary>
    public IReadOnlyList<SendGroupRequest> GroupOutbox { get; init; } = [];
}
