using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary><c>SendGroup</c>: the C2C send path (SPEC §5) with the group's timeline, one stored copy and one publish.</summary>
public sealed partial class GroupService
{
    /// <summary>Mentions per message; one more than a membership call's ids would only be a way to spam.</summary>
    private const int MaxMentions = 100;

    public const string MentionAll = "all";

    public async Task<SendResult> SendAsync(string userId, SendGroupRequest? request, string? senderConnectionId, CancellationToken cancellationToken)
    {
        try
        {
            var draft = ValidateSend(userId, request);
            await RequireWritableAsync(draft.GroupId, userId, cancellationToken).ConfigureAwait(false);
            draft = await ModerateAsync(draft, cancellationToken).ConfigureAwait(false);
            return await SendValidatedAsync(draft, senderConnectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (ImException ex)
        {
            _metrics.SendsRejected.Add(1, new KeyValuePair<string, object?>("code", ex.Code.ToWire()));
            throw;
        }
    }

    private async Task<SendResult> SendValidatedAsync(GroupDraft draft, string? senderConnectionId, CancellationToken cancellationToken)
    {
        if (await ReserveAsync(draft, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier;
        }
        ChatMessage message;
        AppendOutcome outcome;
        try
        {
            var chatId = GroupChatIds.For(draft.GroupId);
            (message, outcome) = await AppendAsync(draft.GroupId, seq => new ChatMessage(
                _ids.Next(), draft.ClientMsgId, chatId, seq, draft.From, string.Empty, draft.Content, draft.MsgFormat, draft.Ext,
                _time.GetUtcNow().ToUnixTimeMilliseconds(), MessageStatus.Reached, Mentions: draft.Mentions),
                m => new GroupMessageSent(m, draft.GroupId), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseQuietlyAsync(draft).ConfigureAwait(false);
            throw;
        }
        if (outcome.Status == AppendStatus.Duplicate)
        {
            var first = outcome.Stored!;
            var firstRecord = new DedupeRecord(first.MsgId, first.ChatId, first.Seq, first.SendTime);
            await CompleteQuietlyAsync(draft, firstRecord).ConfigureAwait(false);
            _metrics.SendsDuplicate.Add(1);
            return ToResult(firstRecord, duplicate: true);
        }
        var record = new DedupeRecord(message.MsgId, message.ChatId, message.Seq, message.SendTime);
        var completed = CompleteQuietlyAsync(draft, record);
        _metrics.GroupSends.Add(1);
        // Durable now: delivery must not be cut short by the caller going away.
        await PushQuietlyAsync(draft.GroupId, message, senderConnectionId).ConfigureAwait(false);
        await completed.ConfigureAwait(false);
        return ToResult(record, duplicate: false);
    }

    private async ValueTask<SendResult?> ReserveAsync(GroupDraft draft, CancellationToken cancellationToken)
    {
        DedupeLookup lookup;
        try
        {
            lookup = await _dedupe.TryReserveAsync(draft.From, draft.ClientMsgId, _messaging.DedupePendingTtl, cancellationToken).ConfigureAwait(false);
        }
        catch (ImException ex) when (ex.Code == ImErrorCode.StateUnavailable)
        {
            // Group events always go straight to the store, whose unique key on (from_user_id, client_msg_id) decides.
            _degraded.Note("dedupe", ex);
            return null;
        }
        switch (lookup.State)
        {
            case DedupeState.Completed:
                _metrics.SendsDuplicate.Add(1);
                return ToResult(lookup.Record!, duplicate: true);
            case DedupeState.Pending:
                var stored = await _messages.FindByClientMsgIdAsync(draft.From, draft.ClientMsgId, cancellationToken).ConfigureAwait(false);
                if (stored is null)
                {
                    // Not committed: going on is safe, the store's unique key lets only one of the two in (the store is the log).
                    return null;
                }
                var record = new DedupeRecord(stored.MsgId, stored.ChatId, stored.Seq, stored.SendTime);
                await CompleteQuietlyAsync(draft, record).ConfigureAwait(false);
                _metrics.SendsDuplicate.Add(1);
                return ToResult(record, duplicate: true);
            default:
                return null;
        }
    }

    private async Task CompleteQuietlyAsync(GroupDraft draft, DedupeRecord record)
    {
        try
        {
            await _dedupe.CompleteAsync(draft.From, draft.ClientMsgId, record, _messaging.DedupeWindow, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _degraded.Note("dedupe", ex);
        }
    }

    private async Task ReleaseQuietlyAsync(GroupDraft draft)
    {
        try
        {
            await _dedupe.ReleaseAsync(draft.From, draft.ClientMsgId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _degraded.Note("dedupe", ex);
        }
    }

    private async ValueTask<GroupDraft> ModerateAsync(GroupDraft draft, CancellationToken cancellationToken) =>
        draft with { Content = await TextModeration.ReviewAsync(_moderator, _metrics, _messaging.MaxContentBytes, draft.From, draft.Content, draft.MsgFormat,
            cancellationToken).ConfigureAwait(false) };

    private GroupDraft ValidateSend(string fromUserId, SendGroupRequest? request)
    {
        if (request is null)
        {
            throw ImException.Invalid("The request is missing.");
        }
        var clientMsgId = ClientMsgIds.Validate(request.ClientMsgId);
        var groupId = GroupChatIds.ParseGroupId(request.GroupId);
        if (request.MsgFormat is not { } format)
        {
            throw new ImException(ImErrorCode.InvalidMsgFormat, "'msgFormat' is required.");
        }
        MsgFormats.Validate(format);
        if (GroupSystemMessages.IsSystemFormat(format))
        {
            throw new ImException(ImErrorCode.InvalidMsgFormat, "'msgFormat' 201-206 is reserved for the server's system messages.");
        }
        if (string.IsNullOrEmpty(request.Content))
        {
            throw ImException.Invalid("'content' is required.");
        }
        TextLimits.Check(request.Content, "content", _messaging.MaxContentBytes, ImErrorCode.ContentTooLarge);
        if (request.Ext is not null)
        {
            TextLimits.Check(request.Ext, "ext", _messaging.MaxExtBytes, ImErrorCode.ExtTooLarge);
        }
        IReadOnlyList<string>? mentions = null;
        if (request.Mentions is { Count: > 0 } raw)
        {
            if (raw.Count > MaxMentions)
            {
                throw new ImException(ImErrorCode.TooManyIds, $"At most {MaxMentions} mentions per message.");
            }
            mentions = raw.Select(m => string.Equals(m, MentionAll, StringComparison.Ordinal) ? m : UserIds.Validate(m, "mentions"))
                .Distinct(StringComparer.Ordinal).ToArray();
        }
        return new GroupDraft(fromUserId, groupId, clientMsgId, request.Content, format, request.Ext, mentions);
    }

    private static SendResult ToResult(DedupeRecord record, bool duplicate) => new()
    {
        MsgId = record.MsgId.ToString(CultureInfo.InvariantCulture),
        ChatId = record.ChatId,
        Seq = record.Seq,
        ServerTime = record.ServerTime,
        Duplicate = duplicate,
    };

    private sealed record GroupDraft(string From, long GroupId, string ClientMsgId, string Content, int MsgFormat, string? Ext, IReadOnlyList<string>? Mentions);
}
