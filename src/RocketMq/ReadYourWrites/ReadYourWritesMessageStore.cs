using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.RocketMq.ReadYourWrites;

/// <summary>
/// The store as the domain sees it in RocketMQ mode: reads of a chat (sync, history, max seq) first wait on the
/// <see cref="ReadYourWritesBarrier"/> for that chat's queue; reads by message id (ack validation) go straight
/// to the store and wait on every queue only when some id is missing, so the common case costs nothing. Writes
/// and user-wide reads pass through. The domain code is unchanged: this is the same port, decorated.
/// </summary>
internal sealed class ReadYourWritesMessageStore : IMessageStore, IAsyncDisposable
{
    private readonly IMessageStore _inner;
    private readonly ReadYourWritesBarrier _barrier;

    public ReadYourWritesMessageStore(IMessageStore inner, ReadYourWritesBarrier barrier)
    {
        _inner = inner;
        _barrier = barrier;
    }

    public Task<IReadOnlyList<AppendOutcome>> ApplyAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken) =>
        _inner.ApplyAsync(events, cancellationToken);

    public Task<ChatMessage?> FindByClientMsgIdAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken) =>
        _inner.FindByClientMsgIdAsync(fromUserId, clientMsgId, cancellationToken);

    public async Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        var found = await _inner.GetByIdsAsync(msgIds, cancellationToken).ConfigureAwait(false);
        if (found.Count >= msgIds.Distinct().Count() || !_barrier.Enabled)
        {
            return found;
        }
        // An id can be missing because it does not exist or because its send is still on its way to the store.
        await _barrier.WaitForAllAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.GetByIdsAsync(msgIds, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ChatMessage>> GetAfterSeqAsync(string chatId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        await WaitForChatAsync(chatId, cancellationToken).ConfigureAwait(false);
        return await _inner.GetAfterSeqAsync(chatId, afterSeq, limit, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ChatMessage>> GetBeforeSeqAsync(string chatId, long beforeSeq, int limit, CancellationToken cancellationToken)
    {
        await WaitForChatAsync(chatId, cancellationToken).ConfigureAwait(false);
        return await _inner.GetBeforeSeqAsync(chatId, beforeSeq, limit, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken)
    {
        await WaitForChatAsync(chatId, cancellationToken).ConfigureAwait(false);
        return await _inner.GetMaxSeqAsync(chatId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A group chat's events are on the group topic and its appends return only once the consumer applied them
    /// (RocketMqGroupLog), so its reads need no wait here; waiting on the C2C topic for it would only cost.
    /// </summary>
    private Task WaitForChatAsync(string chatId, CancellationToken cancellationToken) =>
        GroupChatIds.IsGroup(chatId) ? Task.CompletedTask : _barrier.WaitForChatAsync(chatId, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetUndeliveredAsync(string toUserId, int limit, CancellationToken cancellationToken) =>
        _inner.GetUndeliveredAsync(toUserId, limit, cancellationToken);

    public Task<IReadOnlyList<ConversationView>> GetConversationsAsync(string userId, int limit, CancellationToken cancellationToken) =>
        _inner.GetConversationsAsync(userId, limit, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> GetLastSeqByChatAsync(string userId, CancellationToken cancellationToken) =>
        _inner.GetLastSeqByChatAsync(userId, cancellationToken);

    public Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken) => _inner.HasAnyMessageAsync(cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => _inner.PingAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        switch (_inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
