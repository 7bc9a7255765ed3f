using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Sequencing;

/// <summary>
/// What a log does when the store refuses a send as a conflict (<see cref="AppendStatus.SeqConflict"/>): another
/// message holds its seq (the allocator was behind the store: Redis lost its counters, or a node allocated from a stale
/// fallback), or, far rarer, its msgId (two nodes minting from one node id). Reseed the chat's counter above the
/// store's max and give the message the next seq, and a new msgId only if its own is taken. The message keeps its
/// clientMsgId and send time, so the caller's dedupe still finds it, and the log reports it as stored
/// (<see cref="AppendOutcome.AppendedAs"/>).
/// </summary>
/// <remarks>
/// The new seq is taken outside the caller's per-chat lock, so a send allocated meanwhile may become durable just
/// after it with a lower seq. Both are stored, each seq is used once (G3), and readers order by seq; only the two
/// places in the log are swapped, which is what concurrent sends may see anyway.
/// </remarks>
public sealed class SeqConflictResolver
{
    /// <summary>Tries per event: the first append plus two new seqs. Past it the send fails retriably.</summary>
    public const int MaxAttempts = 3;

    private readonly ISequenceAllocator _sequences;
    private readonly ISequenceReads _store;
    private readonly IMessageQueries _messages;
    private readonly SnowflakeIdGenerator _ids;
    private readonly ILogger<SeqConflictResolver> _logger;

    public SeqConflictResolver(
        ISequenceAllocator sequences, ISequenceReads store, IMessageQueries messages, SnowflakeIdGenerator ids, ILogger<SeqConflictResolver> logger)
    {
        _sequences = sequences;
        _store = store;
        _messages = messages;
        _ids = ids;
        _logger = logger;
    }

    /// <summary>The timeline message of <paramref name="logEvent"/>: the events that take a seq (sends, group changes).</summary>
    public static ChatMessage? TimelineMessageOf(LogEvent logEvent) => logEvent switch
    {
        MessageSent s => s.Message,
        GroupMessageSent g => g.Message,
        GroupChanged c => c.Message,
        _ => null,
    };

    /// <summary>
    /// <paramref name="conflicted"/> with its message at a fresh seq above what the store holds. Store and counter
    /// failures are thrown as they come (retriable: nothing was stored).
    /// </summary>
    public async ValueTask<LogEvent> ResequenceAsync(LogEvent conflicted, CancellationToken cancellationToken)
    {
        var message = TimelineMessageOf(conflicted)
            ?? throw new ArgumentException($"A {conflicted.GetType().Name} takes no seq, so it cannot conflict.", nameof(conflicted));
        var storeMax = await _store.GetMaxSeqAsync(message.ChatId, cancellationToken).ConfigureAwait(false);
        SequencingLog.SeqConflict(_logger, message.ChatId, message.Seq, storeMax);
        await _sequences.ReseedAsync(message.ChatId, storeMax, cancellationToken).ConfigureAwait(false);
        var seq = await _sequences.NextAsync(message.ChatId, cancellationToken).ConfigureAwait(false);
        var idTaken = (await _messages.GetByIdsAsync([message.MsgId], cancellationToken).ConfigureAwait(false)).Count > 0;
        var moved = message with { Seq = seq, MsgId = idTaken ? _ids.Next() : message.MsgId };
        return conflicted switch
        {
            MessageSent => new MessageSent(moved),
            GroupMessageSent g => new GroupMessageSent(moved, g.GroupId),
            GroupChanged c => new GroupChanged(moved, c.Change),
            _ => throw new InvalidOperationException("unreachable"),
        };
    }

    /// <summary>
    /// Gives each event at <paramref name="conflicted"/> (indices into <paramref name="events"/>, whose first apply the
    /// store refused) a fresh seq and applies them again as one round, in their order, until none is refused or
    /// <see cref="MaxAttempts"/> tries in all (the first apply counts). Each moved event replaces its entry in
    /// <paramref name="events"/>, and the store's answer its entry in <paramref name="outcomes"/>; <paramref name="decided"/>
    /// is told of each index as soon as the store stops refusing it. Store and counter failures are thrown as they come.
    /// </summary>
    /// <returns>The indices the store still refused after the last try.</returns>
    public async Task<List<int>> ReapplyAsync(IMessageEventStore store, IList<LogEvent> events, IList<AppendOutcome> outcomes,
        List<int> conflicted, Action<int>? decided, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        for (var attempt = 1; attempt < MaxAttempts && conflicted.Count > 0; attempt++)
        {
            var moved = new List<LogEvent>(conflicted.Count);
            foreach (var i in conflicted)
            {
                events[i] = await ResequenceAsync(events[i], cancellationToken).ConfigureAwait(false);
                moved.Add(events[i]);
            }
            var again = await store.ApplyAsync(moved, cancellationToken).ConfigureAwait(false);
            var still = new List<int>();
            for (var k = 0; k < conflicted.Count; k++)
            {
                var i = conflicted[k];
                outcomes[i] = again[k];
                if (again[k].Status == AppendStatus.SeqConflict)
                {
                    still.Add(i);
                }
                else
                {
                    decided?.Invoke(i);
                }
            }
            conflicted = still;
        }
        return conflicted;
    }

    /// <summary>What a send that still conflicts after <see cref="MaxAttempts"/> is answered (retriable).</summary>
    public static ImException GaveUp() =>
        new(ImErrorCode.StoreUnavailable, "The conversation's sequence could not be allocated; retry.");
}
