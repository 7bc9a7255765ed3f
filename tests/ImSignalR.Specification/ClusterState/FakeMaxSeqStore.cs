using System.Collections.Concurrent;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.ClusterState;

/// <summary>A store double that only answers what an allocator may ask: <see cref="GetMaxSeqAsync"/> and <see cref="HasAnyMessageAsync"/>.</summary>
public sealed class FakeMaxSeqStore : IMessageStore
{
    private readonly ConcurrentDictionary<string, long> _max = new();

    public int MaxSeqCalls;

    public void SetMax(string chatId, long max) => _max[chatId] = max;

    /// <summary>Messages of other conversations are stored (the cluster has history), whatever <see cref="SetMax"/> says.</summary>
    public bool HasHistory { get; set; }

    public Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken) =>
        Task.FromResult(HasHistory || _max.Values.Any(m => m > 0));

    public Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref MaxSeqCalls);
        return Task.FromResult(_max.GetValueOrDefault(chatId));
    }

    public Task<IReadOnlyList<AppendOutcome>> ApplyAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken) => throw Unused();

    public Task<ChatMessage?> FindByClientMsgIdAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<ChatMessage>> GetAfterSeqAsync(string chatId, long afterSeq, int limit, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<ChatMessage>> GetBeforeSeqAsync(string chatId, long beforeSeq, int limit, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<ChatMessage>> GetUndeliveredAsync(string toUserId, int limit, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<ConversationView>> GetConversationsAsync(string userId, int limit, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyDictionary<string, long>> GetLastSeqByChatAsync(string userId, CancellationToken cancellationToken) => throw Unused();

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static NotSupportedException Unused() => new("An allocator only reads GetMaxSeqAsync and HasAnyMessageAsync.");
}
