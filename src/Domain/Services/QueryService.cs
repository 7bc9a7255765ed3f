using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>Sync, history and conversations — every read checks membership first (G7).</summary>
public sealed class QueryService
{
    private readonly IMessageStore _store;
    private readonly MessagingOptions _options;
    private readonly MessagingMetrics _metrics;
    private readonly GroupService? _groups;

    public QueryService(IMessageStore store, MessagingOptions options, MessagingMetrics metrics, GroupService? groups = null)
    {
        _groups = groups;
        _store = store;
        _options = options;
        _metrics = metrics;
    }

    public async Task<SyncResult> SyncAsync(string userId, SyncRequest? request, CancellationToken cancellationToken)
    {
        request ??= new SyncRequest();
        var limit = PageSize(request.Limit);
        _metrics.SyncRequests.Add(1, new KeyValuePair<string, object?>("kind", request.ChatId is null ? "sync-all" : "sync-chat"));

        if (request.ChatId is null)
        {
            if (request.AfterSeq is not null)
            {
                throw ImException.Invalid("'afterSeq' needs a 'chatId'.");
            }
            var pending = await _store.GetUndeliveredAsync(userId, limit + 1, cancellationToken).ConfigureAwait(false);
            var lastSeqs = await _store.GetLastSeqByChatAsync(userId, cancellationToken).ConfigureAwait(false);
            if (_groups is not null)
            {
                // Group messages are never "undelivered" per member: a client finds a group's gap by its seq (SPEC §10).
                var merged = new Dictionary<string, long>(lastSeqs, StringComparer.Ordinal);
                foreach (var (chatId, seq) in await _groups.GetMaxSeqByChatAsync(userId, cancellationToken).ConfigureAwait(false))
                {
                    merged[chatId] = seq;
                }
                lastSeqs = merged;
            }
            return new SyncResult
            {
                Messages = pending.Take(limit).Select(WireMapping.ToDto).ToArray(),
                HasMore = pending.Count > limit,
                MaxSeqByChat = lastSeqs,
            };
        }

        var afterSeq = request.AfterSeq ?? 0;
        if (_groups is not null && GroupChatIds.IsGroup(request.ChatId))
        {
            if (afterSeq < 0)
            {
                throw ImException.Invalid("'afterSeq' must not be negative.");
            }
            return await _groups.SyncAsync(userId, request.ChatId, afterSeq, limit, cancellationToken).ConfigureAwait(false);
        }
        ChatIds.RequireMember(request.ChatId, userId);
        if (afterSeq < 0)
        {
            throw ImException.Invalid("'afterSeq' must not be negative.");
        }
        var page = await _store.GetAfterSeqAsync(request.ChatId, afterSeq, limit + 1, cancellationToken).ConfigureAwait(false);
        var maxSeq = await _store.GetMaxSeqAsync(request.ChatId, cancellationToken).ConfigureAwait(false);
        return new SyncResult
        {
            Messages = page.Take(limit).Select(WireMapping.ToDto).ToArray(),
            HasMore = page.Count > limit,
            MaxSeqByChat = new Dictionary<string, long> { [request.ChatId] = maxSeq },
        };
    }

    public async Task<HistoryResult> GetHistoryAsync(string userId, HistoryRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw ImException.Invalid("The request is missing.");
        }
        var isGroup = _groups is not null && GroupChatIds.IsGroup(request.ChatId);
        if (!isGroup)
        {
            ChatIds.RequireMember(request.ChatId, userId);
        }
        var limit = PageSize(request.Limit);
        var beforeSeq = request.BeforeSeq ?? long.MaxValue;
        if (beforeSeq <= 0)
        {
            throw ImException.Invalid("'beforeSeq' must be positive.");
        }
        _metrics.SyncRequests.Add(1, new KeyValuePair<string, object?>("kind", "history"));
        if (isGroup)
        {
            return await _groups!.GetHistoryAsync(userId, request.ChatId!, request.BeforeSeq, limit, cancellationToken).ConfigureAwait(false);
        }
        // One extra row tells whether older messages exist; it is the oldest, so it is dropped.
        var page = await _store.GetBeforeSeqAsync(request.ChatId!, beforeSeq, limit + 1, cancellationToken).ConfigureAwait(false);
        var hasMore = page.Count > limit;
        return new HistoryResult
        {
            Messages = (hasMore ? page.Skip(1) : page).Select(WireMapping.ToDto).ToArray(),
            HasMore = hasMore,
        };
    }

    public async Task<IReadOnlyList<Conversation>> GetConversationsAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await _store.GetConversationsAsync(userId, _options.MaxPageSize, cancellationToken).ConfigureAwait(false);
        var c2c = rows.Select(r => (Conversation: new Conversation
        {
            ChatId = r.ChatId,
            PeerUserId = r.PeerUserId,
            LastMessage = r.LastMessage is null ? null : WireMapping.ToDto(r.LastMessage),
            LastSeq = r.LastSeq,
            ReadSeq = r.ReadSeq,
            Unread = r.Unread,
        }, r.UpdatedAt));
        if (_groups is null)
        {
            return c2c.Select(c => c.Conversation).ToArray();
        }
        // C2C and groups in one list, newest first (SPEC §10), each side already the newest MaxPageSize of its kind.
        var groups = await _groups.GetConversationsAsync(userId, _options.MaxPageSize, cancellationToken).ConfigureAwait(false);
        return c2c.Concat(groups)
            .OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Conversation.ChatId, StringComparer.Ordinal)
            .Take(_options.MaxPageSize)
            .Select(c => c.Conversation).ToArray();
    }

    private int PageSize(int? requested)
    {
        var limit = requested ?? _options.DefaultPageSize;
        if (limit <= 0)
        {
            throw ImException.Invalid("'limit' must be positive.");
        }
        if (limit > _options.MaxPageSize)
        {
            throw new ImException(ImErrorCode.PageTooLarge, $"'limit' must be at most {_options.MaxPageSize}.");
        }
        return limit;
    }
}
