using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.UnitTests.Groups;

/// <summary>A group store whose database is away: every call fails as the SQL adapter's do.</summary>
internal sealed class UnreachableGroupStore : IGroupStore
{
    private static Task<T> Fail<T>() => Task.FromException<T>(new ImException(ImErrorCode.StoreUnavailable, "The store is away."));

    public Task<StoredGroup?> GetGroupAsync(long groupId, CancellationToken cancellationToken) => Fail<StoredGroup?>();
    public Task<GroupMembership?> GetMemberAsync(long groupId, string userId, CancellationToken cancellationToken) => Fail<GroupMembership?>();
    public Task<IReadOnlyList<GroupMembership>> GetMembersAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken) => Fail<IReadOnlyList<GroupMembership>>();
    public Task<IReadOnlyList<GroupMembership>> GetCurrentMembersPageAsync(long groupId, string? afterUserId, int limit, CancellationToken cancellationToken) => Fail<IReadOnlyList<GroupMembership>>();
    public Task<IReadOnlyDictionary<string, int>> CountGroupsAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken) => Fail<IReadOnlyDictionary<string, int>>();
    public Task<IReadOnlyList<(StoredGroup Group, GroupMembership Member)>> GetUserGroupsAsync(string userId, bool includeFormer, CancellationToken cancellationToken) => Fail<IReadOnlyList<(StoredGroup, GroupMembership)>>();
    public Task<IReadOnlyList<GroupConversationView>> GetGroupConversationsAsync(string userId, int limit, CancellationToken cancellationToken) => Fail<IReadOnlyList<GroupConversationView>>();
    public Task<IReadOnlyList<ChatMessage>> GetMessagesAfterAsync(string chatId, long afterSeq, long upToSeq, int limit, CancellationToken cancellationToken) => Fail<IReadOnlyList<ChatMessage>>();
    public Task<IReadOnlyList<ChatMessage>> GetMessagesBeforeAsync(string chatId, long beforeSeq, long floorSeq, int limit, CancellationToken cancellationToken) => Fail<IReadOnlyList<ChatMessage>>();
    public Task<ChatMessage?> GetMessageAtAsync(string chatId, long seq, CancellationToken cancellationToken) => Fail<ChatMessage?>();
    public Task<GroupReceipts> GetReadReceiptsAsync(long groupId, long seq, string senderId, bool listReaders, CancellationToken cancellationToken) => Fail<GroupReceipts>();
}
