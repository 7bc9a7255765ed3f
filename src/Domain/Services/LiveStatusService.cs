using System.Collections.Concurrent;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>
/// Typing and presence (SPEC §11), cluster-wide through <see cref="IPresence"/> and the pusher, and only between
/// users who share a conversation: a stranger gets no typing event and sees nobody online.
/// </summary>
public sealed class LiveStatusService
{
    /// <summary>One typing event per user and chat per this interval; more are dropped silently.</summary>
    public static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(2);

    public const int MaxPresenceIds = 200;

    /// <summary>(user, chat) pairs remembered for the typing limit; past it the memory starts over.</summary>
    internal const int MaxTypingKeys = 100_000;

    private readonly IPresence _presence;
    private readonly IMessageStore _store;
    private readonly IMessagePusher _pusher;
    private readonly BlockService _blocks;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string User, string Chat), long> _lastTyping = new();
    // Conversations seen to have a message: that never stops being true, so each costs one store read per node
    // (with the RocketMQ log a max-seq read also waits for the consumer, which typing must not do per keystroke).
    private readonly ConcurrentDictionary<string, byte> _startedChats = new(StringComparer.Ordinal);

    public LiveStatusService(IPresence presence, IMessageStore store, IMessagePusher pusher, BlockService blocks, TimeProvider time)
    {
        _presence = presence;
        _store = store;
        _pusher = pusher;
        _blocks = blocks;
        _time = time;
    }

    /// <returns>Whether the event went out (false: rate-limited, no conversation yet, or blocked — all silent).</returns>
    public async Task<bool> TypingAsync(string userId, TypingRequest? request, CancellationToken cancellationToken)
    {
        var peer = ChatIds.RequireMember(request?.ChatId, userId);
        var chatId = request!.ChatId!;
        var now = _time.GetTimestamp();
        var interval = (long)(TypingInterval.TotalSeconds * _time.TimestampFrequency);
        var key = (userId, chatId);
        if (_lastTyping.TryGetValue(key, out var last) && now - last < interval)
        {
            return false;
        }
        if (_lastTyping.Count >= MaxTypingKeys)
        {
            _lastTyping.Clear();
        }
        _lastTyping[key] = now;
        // A conversation exists once a message was sent in it; a peer who blocked the caller hears nothing.
        if (!await HasMessagesAsync(chatId, cancellationToken).ConfigureAwait(false)
            || await _blocks.IsBlockedAsync(peer, userId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        await _pusher.PushTypingAsync(peer, new TypingNotice { ChatId = chatId, UserId = userId }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask<bool> HasMessagesAsync(string chatId, CancellationToken cancellationToken)
    {
        if (_startedChats.ContainsKey(chatId))
        {
            return true;
        }
        if (await _store.GetMaxSeqAsync(chatId, cancellationToken).ConfigureAwait(false) == 0)
        {
            return false;
        }
        if (_startedChats.Count >= MaxTypingKeys)
        {
            _startedChats.Clear();
        }
        _startedChats[chatId] = 0;
        return true;
    }

    public async Task<IReadOnlyList<PresenceInfo>> GetPresenceAsync(string userId, PresenceRequest? request, CancellationToken cancellationToken)
    {
        var ids = request?.UserIds ?? throw ImException.Invalid("'userIds' is required.");
        if (ids.Count > MaxPresenceIds)
        {
            throw new ImException(ImErrorCode.TooManyIds, $"At most {MaxPresenceIds} user ids.");
        }
        var asked = ids.Select(id => UserIds.Validate(id, "userIds")).ToArray();
        var chats = await _store.GetLastSeqByChatAsync(userId, cancellationToken).ConfigureAwait(false);
        var contacts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chatId in chats.Keys)
        {
            if (ChatIds.TryParse(chatId, out var a, out var b))
            {
                contacts.Add(string.Equals(a, userId, StringComparison.Ordinal) ? b : a);
            }
        }
        // Lookups run together (Redis pipelines them); strangers are answered without asking.
        return await Task.WhenAll(asked.Select(async id =>
        {
            if (!contacts.Contains(id))
            {
                return new PresenceInfo { UserId = id, Online = false, LastSeen = null };
            }
            var online = await _presence.IsOnlineAsync(id, cancellationToken).ConfigureAwait(false);
            return new PresenceInfo
            {
                UserId = id,
                Online = online,
                LastSeen = online ? null : await _presence.GetLastSeenAsync(id, cancellationToken).ConfigureAwait(false),
            };
        })).ConfigureAwait(false);
    }
}
