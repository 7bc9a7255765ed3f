using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// Reads of the group tables (SPEC §10). Writes arrive as log events (<see cref="GroupMessageSent"/>,
/// <see cref="GroupChanged"/>, <see cref="GroupReadAdvanced"/>) through <see cref="IMessageStore.ApplyAsync"/>,
/// like every other write. A narrow port of its own rather than more methods on <see cref="IMessageStore"/>.
/// </summary>
public interface IGroupStore
{
    Task<StoredGroup?> GetGroupAsync(long groupId, CancellationToken cancellationToken);

    /// <summary>The user's membership row, present or past; null when they never were a member.</summary>
    Task<GroupMembership?> GetMemberAsync(long groupId, string userId, CancellationToken cancellationToken);

    /// <summary>The membership rows (present or past) of those of <paramref name="userIds"/> that have one.</summary>
    Task<IReadOnlyList<GroupMembership>> GetMembersAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>Current members ordered by user id, after <paramref name="afterUserId"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<GroupMembership>> GetCurrentMembersPageAsync(long groupId, string? afterUserId, int limit, CancellationToken cancellationToken);

    /// <summary>How many groups each of <paramref name="userIds"/> is a current member of (users with none are left out).</summary>
    Task<IReadOnlyDictionary<string, int>> CountGroupsAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>The groups <paramref name="userId"/> has a membership row in (current ones only unless <paramref name="includeFormer"/>).</summary>
    Task<IReadOnlyList<(StoredGroup Group, GroupMembership Member)>> GetUserGroupsAsync(string userId, bool includeFormer, CancellationToken cancellationToken);

    /// <summary>The user's group conversations (present and past windows), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<GroupConversationView>> GetGroupConversationsAsync(string userId, int limit, CancellationToken cancellationToken);

    /// <summary>Messages of <paramref name="chatId"/> with <paramref name="afterSeq"/> &lt; seq &lt;= <paramref name="upToSeq"/>, ascending.</summary>
    Task<IReadOnlyList<ChatMessage>> GetMessagesAfterAsync(string chatId, long afterSeq, long upToSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The <paramref name="limit"/> messages just below <paramref name="beforeSeq"/> and above <paramref name="floorSeq"/>, ascending.</summary>
    Task<IReadOnlyList<ChatMessage>> GetMessagesBeforeAsync(string chatId, long beforeSeq, long floorSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The message of <paramref name="chatId"/> at <paramref name="seq"/>; null when none.</summary>
    Task<ChatMessage?> GetMessageAtAsync(string chatId, long seq, CancellationToken cancellationToken);

    /// <summary>
    /// Current members other than <paramref name="senderId"/> who joined before <paramref name="seq"/>, split by whether
    /// their read cursor reached it; the readers' ids only when <paramref name="listReaders"/>.
    /// </summary>
    Task<GroupReceipts> GetReadReceiptsAsync(long groupId, long seq, string senderId, bool listReaders, CancellationToken cancellationToken);
}

/// <param name="Readers">Null unless asked for.</param>
public sealed record GroupReceipts(int ReadCount, int UnreadCount, IReadOnlyList<string>? Readers);
