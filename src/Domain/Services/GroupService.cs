using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>
/// Group chat, read diffusion (SPEC §10): one stored copy per message in the group's own timeline
/// (<c>grp:{groupId}</c>, its own seq), membership changes as system messages of that timeline, a window and a read
/// cursor per member. Every timeline entry takes its seq and its place in <see cref="IGroupLog"/> under the per-chat
/// lock, exactly as a C2C send does, so G1–G3 hold for groups as for C2C.
/// </summary>
public sealed partial class GroupService
{
    private readonly IGroupStore _groups;
    private readonly IMessageStore _messages;
    private readonly IGroupLog _log;
    private readonly ISequenceAllocator _sequences;
    private readonly IDedupeCache _dedupe;
    private readonly IGroupPusher _pusher;
    private readonly IContentModerator _moderator;
    private readonly SnowflakeIdGenerator _ids;
    private readonly GroupOptions _options;
    private readonly MessagingOptions _messaging;
    private readonly MessagingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly DegradedSteps _degraded;
    // Seq allocation and the place in the log, per timeline (as SendService's).
    private readonly ChatLocks _seqLocks = new();
    // Held across a membership change's checks and its append, so two changes of one group on this node cannot both
    // pass a limit or act on a member the other one just removed. Across nodes the store's rows decide at apply time.
    private readonly ChatLocks _changeLocks = new(1024);
    private readonly GroupReadThrottle _readThrottle;

    public GroupService(
        IGroupStore groups,
        IMessageStore messages,
        IGroupLog log,
        ISequenceAllocator sequences,
        IDedupeCache dedupe,
        IGroupPusher pusher,
        SnowflakeIdGenerator ids,
        GroupOptions options,
        MessagingOptions messaging,
        MessagingMetrics metrics,
        TimeProvider time,
        ILogger<GroupService> logger,
        IContentModerator? moderator = null)
    {
        _groups = groups;
        _messages = messages;
        _log = log;
        _sequences = sequences;
        _dedupe = dedupe;
        _pusher = pusher;
        _ids = ids;
        _options = options;
        _messaging = messaging;
        _metrics = metrics;
        _time = time;
        _moderator = moderator ?? new Moderation.NoModeration();
        _degraded = new DegradedSteps(metrics, time, logger);
        _readThrottle = new GroupReadThrottle(options.ReadEventInterval, time);
    }

    /// <summary>The group, or <c>IM_NOT_FOUND</c>.</summary>
    private async Task<StoredGroup> RequireGroupAsync(long groupId, CancellationToken cancellationToken) =>
        await _groups.GetGroupAsync(groupId, cancellationToken).ConfigureAwait(false)
            ?? throw new ImException(ImErrorCode.NotFound, "No such group.");

    /// <summary>The caller's current membership, or <c>IM_NOT_FOUND</c> / <c>IM_FORBIDDEN</c>.</summary>
    private async Task<(StoredGroup Group, GroupMembership Member)> RequireMemberAsync(long groupId, string userId, CancellationToken cancellationToken)
    {
        var group = await RequireGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        var member = await _groups.GetMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
        if (member is not { IsCurrent: true })
        {
            throw new ImException(ImErrorCode.Forbidden, "You are not a member of this group.");
        }
        return (group, member);
    }

    /// <summary>A current member of a group that is not dismissed (every change and every send).</summary>
    private async Task<(StoredGroup Group, GroupMembership Member)> RequireWritableAsync(long groupId, string userId, CancellationToken cancellationToken)
    {
        var (group, member) = await RequireMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
        if (group.Dismissed)
        {
            throw new ImException(ImErrorCode.GroupDismissed, "The group was dismissed; it is read-only.");
        }
        return (group, member);
    }

    /// <summary>
    /// Takes the next seq of the group's timeline and the event's place in the log, then waits until it is durable.
    /// A seq the store refuses is the log's to move (<see cref="Sequencing.SeqConflictResolver"/>): the message
    /// returned is the one stored.
    /// </summary>
    private async Task<(ChatMessage Message, AppendOutcome Outcome)> AppendAsync(
        long groupId, Func<long, ChatMessage> create, Func<ChatMessage, LogEvent> wrap, CancellationToken cancellationToken)
    {
        var chatId = GroupChatIds.For(groupId);
        ChatMessage message;
        Task<AppendOutcome> durable;
        using (await _seqLocks.AcquireAsync(chatId, cancellationToken).ConfigureAwait(false))
        {
            var seq = await _sequences.NextAsync(chatId, cancellationToken).ConfigureAwait(false);
            message = create(seq);
            durable = await _log.BeginAppendAsync(wrap(message), cancellationToken).ConfigureAwait(false);
        }
        AppendOutcome outcome;
        try
        {
            outcome = (await durable.ConfigureAwait(false)).FromLog();
        }
        catch (ImException)
        {
            _metrics.LogErrors.Add(1);
            throw;
        }
        return (outcome.Status == AppendStatus.Appended && outcome.Stored is { } moved ? moved : message, outcome);
    }

    /// <summary>Writes a system message with its change (one event: both or neither) and returns the message.</summary>
    private async Task<ChatMessage> AppendChangeAsync(GroupChange change, CancellationToken cancellationToken)
    {
        var format = GroupSystemMessages.FormatOf(change.Kind);
        var content = GroupSystemMessages.ContentOf(change);
        var (message, outcome) = await AppendAsync(change.GroupId, seq =>
        {
            var msgId = _ids.Next();
            // A fresh id per change: the store's unique (from_user_id, client_msg_id) never sees it twice.
            return new ChatMessage(msgId, "sys-" + msgId.ToString(CultureInfo.InvariantCulture), GroupChatIds.For(change.GroupId), seq,
                change.ActorId, string.Empty, content, format, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), MessageStatus.Reached);
        }, m => new GroupChanged(m, change), cancellationToken).ConfigureAwait(false);
        if (outcome.Status != AppendStatus.Appended)
        {
            // A fresh msg_id and client_msg_id cannot be a duplicate: the store misbehaved.
            throw new ImException(ImErrorCode.Internal, "The group change was not applied.");
        }
        return message;
    }

    /// <summary>Durable now: pushes the system message to the group, the caller's devices included.</summary>
    private async Task PushQuietlyAsync(long groupId, ChatMessage message, string? exceptConnectionId)
    {
        try
        {
            await _pusher.PushMessageAsync(groupId, WireMapping.ToDto(message), exceptConnectionId, CancellationToken.None).ConfigureAwait(false);
            _metrics.Pushes.Add(1, new KeyValuePair<string, object?>("kind", "group"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.PushErrors.Add(1);
            _degraded.Note("push", ex);
        }
    }

    private async Task MoveConnectionsQuietlyAsync(long groupId, IReadOnlyCollection<string> userIds, bool join)
    {
        if (userIds.Count == 0)
        {
            return;
        }
        try
        {
            if (join)
            {
                await _pusher.JoinAsync(groupId, userIds, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await _pusher.LeaveAsync(groupId, userIds, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The change is durable and the store decides every read and send; only the push fast path is off until
            // the user's connections reconnect (and join from the store).
            _degraded.Note("group-connections", ex);
        }
    }

    private static GroupInfo ToDto(StoredGroup group) => new()
    {
        GroupId = group.GroupId.ToString(CultureInfo.InvariantCulture),
        ChatId = GroupChatIds.For(group.GroupId),
        Name = group.Name,
        OwnerId = group.OwnerId,
        MemberCount = group.MemberCount,
        CreatedAt = group.CreatedAt,
    };
}
