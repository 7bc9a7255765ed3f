using ImSignalR.Domain.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>Sync, history and conversations — every read checks membership first (G7).</summary>
public sealed class QueryService
{
    private readonly IMessageStore _store;
    private readonly MessagingOptions _options;
    private readonly MessagingMetrics _metrics;

    public QueryService(IMessageStore store, MessagingOptions options, MessagingMetrics metrics)
    {
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
            return new SyncResult
            {
                Messages = pending.Take(limit).Select(MessageDto.From).ToArray(),
                HasMore = pending.Count > limit,
                MaxSeqByChat = lastSeqs,
            };
        }

        ChatIds.RequireMember(request.ChatId, userId);
        var afterSeq = request.AfterSeq ?? 0;
        if (afterSeq < 0)
        {
            throw ImException.Invalid("'afterSeq' must not be negative.");
        }
        var page = await _store.GetAfterSeqAsync(request.ChatId, afterSeq, limit + 1, cancellationToken).ConfigureAwait(false);
        var maxSeq = await _store.GetMaxSeqAsync(request.ChatId, cancellationToken).ConfigureAwait(false);
        return new SyncResult
        {
            Messages = page.Take(limit).Select(MessageDto.From).ToArray(),
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
        ChatIds.RequireMember(request.ChatId, userId);
        var limit = PageSize(request.Limit);
        var beforeSeq = request.BeforeSeq ?? long.MaxValue;
        if (beforeSeq <= 0)
        {
            throw ImException.Invalid("'beforeSeq' must be positive.");
        }
        _metrics.SyncRequests.Add(1, new KeyValuePair<string, object?>("kind", "history"));
        // One extra row tells whether older messages exist; it is the oldest, so it is dropped.
        var page = await _store.GetBeforeSeqAsync(request.ChatId!, beforeSeq, limit + 1, cancellationToken).ConfigureAwait(false);
        var hasMore = page.Count > limit;
        return new HistoryResult
        {
            Messages = (hasMore ? page.Skip(1) : page).Select(MessageDto.From).ToArray(),
            HasMore = hasMore,
        };
    }

    public async Task<IReadOnlyList<ConversationDto>> GetConversationsAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await _store.GetConversationsAsync(userId, _options.MaxPageSize, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new ConversationDto
        {
            ChatId = r.ChatId,
            PeerUserId = r.PeerUserId,
            LastMessage = r.LastMessage is null ? null : MessageDto.From(r.LastMessage),
            LastSeq = r.LastSeq,
            ReadSeq = r.ReadSeq,
            Unread = r.Unread,
        }).ToArray();
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
