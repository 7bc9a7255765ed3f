using System.Data.Common;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// The daily counters (SPEC §12) of one applied batch, written in the batch's own transaction and counted
/// only from what the batch actually changed — the messages it inserted, the sender rows it inserted, the
/// recalls that erased a row — so applying an event twice counts it once.
/// <list type="bullet">
/// <item>messages_c2c: messages written, by the UTC day of their create time;</item>
/// <item>new_conversations: messages written with seq 1 — the (chat_id, seq) key lets only one exist per chat;</item>
/// <item>active_senders: (day, sender) rows that <c>stats_active_senders</c> did not hold yet;</item>
/// <item>recalls: recalls that changed a row (added by <see cref="StatusBatch"/>), by the UTC day of the recall — group messages too,
/// which share the messages table;</item>
/// <item>messages_group: group messages written (added by <see cref="GroupApply"/>; system messages are not sends and not counted),
/// their senders counted into active_senders like C2C senders;</item>
/// <item>groups_created: creation events that wrote their system message (added by <see cref="GroupApply"/>).</item>
/// </list>
/// One <c>stats_daily</c> upsert per day of the batch (usually one), on a shard picked per batch.
/// </summary>
/// <remarks>
/// Shapes follow <see cref="SendBatch"/>. SQLite: single-row statements, whose per-row counts say which sender
/// rows and recalls took effect, then the upserts with the exact figures. MySQL: inside the batch's one
/// <see cref="StatementRound"/>, each sender INSERT or recall UPDATE is followed by an upsert that adds its
/// <c>ROW_COUNT()</c> — so the figures never cost a round trip of their own. Statistics statements come after the
/// batch's other writes and in (day, user) order, so concurrent batches lock their rows in the same order: the group events
/// are applied before the C2C sends, so their counts are in the same statements.
/// </remarks>
internal sealed class StatsBatch(SqlDialect dialect)
{
    private readonly int _shard = dialect.StatsShards == 1 ? 0 : Random.Shared.Next(dialect.StatsShards);
    private readonly SortedDictionary<int, long> _recalls = [];
    private readonly List<ChatMessage> _groupMessages = [];
    private readonly List<long> _groupsCreatedAt = [];

    /// <summary>A group message this batch wrote (never a redelivery: <see cref="GroupApply"/> calls this only after its INSERT).</summary>
    public void AddGroupMessage(ChatMessage message) => _groupMessages.Add(message);

    /// <summary>A group this batch created, at the time of its creation's system message.</summary>
    public void AddGroupCreated(long createdAtUnixMs) => _groupsCreatedAt.Add(createdAtUnixMs);

    /// <summary>SQLite: recalls of <paramref name="day"/> that changed a row.</summary>
    public void AddRecalls(int day, long recalls)
    {
        if (recalls > 0)
        {
            _recalls[day] = _recalls.GetValueOrDefault(day) + recalls;
        }
    }

    /// <summary>SQLite: counts <paramref name="appended"/> (the messages this batch wrote) and the recalls added, and writes the figures.</summary>
    public async Task ApplyRowByRowAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ChatMessage> appended,
        CancellationToken cancellationToken)
    {
        var days = Count(appended);
        var senders = days.SelectMany(d => d.Value.Senders.Select(u => new object?[] { d.Key, u })).ToList();
        var inserted = await RowStatement.ExecuteAsync(connection, transaction, 1, senders, 2, _ => InsertSenders(1), cancellationToken)
            .ConfigureAwait(false);
        var active = new Dictionary<int, long>();
        for (var i = 0; i < senders.Count; i++)
        {
            var day = (int)senders[i][0]!;
            active[day] = active.GetValueOrDefault(day) + inserted[i];
        }
        var rows = new List<object?[]>();
        foreach (var day in days.Keys.Union(_recalls.Keys).Order())
        {
            var counts = days.GetValueOrDefault(day);
            rows.Add(Row(day, counts ?? new DayCounts(), active.GetValueOrDefault(day), _recalls.GetValueOrDefault(day)));
        }
        await RowStatement.ExecuteAsync(connection, transaction, 1, rows, StatsSql.DailyColumnCount,
            _ => dialect.UpsertAddingStats(StoreSql.ValuesList(1, StatsSql.DailyColumnCount)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>MySQL: adds the statements that count <paramref name="appended"/> to <paramref name="round"/>.</summary>
    public void AddTo(StatementRound round, IReadOnlyList<ChatMessage> appended)
    {
        foreach (var (day, counts) in Count(appended))
        {
            if (counts.Senders.Count == 0)
            {
                // Only groups created that day: nothing whose ROW_COUNT() to add.
                round.Add(dialect.UpsertAddingStats(StoreSql.ValuesList(1, StatsSql.DailyColumnCount)),
                    RowParameters(Row(day, counts, 0, 0)));
                continue;
            }
            var first = true;
            foreach (var chunk in counts.Senders.Chunk(dialect.MaxRowsPerInsert))
            {
                var parameters = new List<KeyValuePair<string, object?>>(chunk.Length * 2);
                for (var i = 0; i < chunk.Length; i++)
                {
                    parameters.Add(new("@" + StoreSql.ParameterName(i, 0), day));
                    parameters.Add(new("@" + StoreSql.ParameterName(i, 1), chunk[i]));
                }
                round.Add(InsertSenders(chunk.Length), parameters);
                // The messages once per day, with the first chunk of its senders.
                AddUpsertOfRowCount(round, day, "active_senders", first ? counts : null);
                first = false;
            }
        }
    }

    /// <summary>MySQL: right after a recall UPDATE of <paramref name="day"/>, adds what it changed to the day's recalls.</summary>
    public void AddRecallCountTo(StatementRound round, int day) => AddUpsertOfRowCount(round, day, "recalls", null);

    /// <param name="counts">The day's other counters, or null to add only the row count.</param>
    private void AddUpsertOfRowCount(StatementRound round, int day, string rowCountColumn, DayCounts? counts)
    {
        // ROW_COUNT() is the previous statement's count of rows changed (UseAffectedRows: an ignored duplicate is 0).
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["messages_c2c"] = "@Messages",
            ["messages_group"] = "@GroupMessages",
            ["new_conversations"] = "@NewConversations",
            ["groups_created"] = "@GroupsCreated",
            [rowCountColumn] = "ROW_COUNT()",
        };
        var list = "(@Day, @Shard, " + string.Join(", ", StatsSql.Counters.Select(c => values.GetValueOrDefault(c, "0"))) + ")";
        round.AddFollowing(dialect.UpsertAddingStats(list),
        [
            new("@Day", day), new("@Shard", _shard), new("@Messages", counts?.Messages ?? 0), new("@GroupMessages", counts?.GroupMessages ?? 0),
            new("@NewConversations", counts?.NewConversations ?? 0), new("@GroupsCreated", counts?.GroupsCreated ?? 0),
        ]);
    }

    private string InsertSenders(int rows) =>
        dialect.InsertIgnoringDuplicate("stats_active_senders", StatsSql.ActiveSenderColumns, StoreSql.ValuesList(rows, 2), "day");

    private object?[] Row(int day, DayCounts counts, long activeSenders, long recalls)
    {
        // Must match StatsSql.Counters: messages_c2c, messages_group, active_senders, new_conversations, groups_created, recalls, moderation_hits.
        return [day, _shard, counts.Messages, counts.GroupMessages, activeSenders, counts.NewConversations, counts.GroupsCreated, recalls, 0L];
    }

    private static List<KeyValuePair<string, object?>> RowParameters(object?[] row) =>
        [.. row.Select((value, c) => new KeyValuePair<string, object?>("@" + StoreSql.ParameterName(0, c), value))];

    /// <summary>The C2C messages written (<paramref name="appended"/>) and the group messages and groups added, by day.</summary>
    private SortedDictionary<int, DayCounts> Count(IReadOnlyList<ChatMessage> appended)
    {
        var days = new SortedDictionary<int, DayCounts>();
        foreach (var message in appended)
        {
            var counts = Of(days, message.SendTime);
            counts.Messages++;
            if (message.Seq == 1)
            {
                counts.NewConversations++;
            }
            counts.Senders.Add(message.FromUserId);
        }
        foreach (var message in _groupMessages)
        {
            var counts = Of(days, message.SendTime);
            counts.GroupMessages++;
            counts.Senders.Add(message.FromUserId);
        }
        foreach (var createdAt in _groupsCreatedAt)
        {
            Of(days, createdAt).GroupsCreated++;
        }
        return days;

        static DayCounts Of(SortedDictionary<int, DayCounts> days, long unixMs)
        {
            var day = StatsDays.FromUnixMs(unixMs);
            if (!days.TryGetValue(day, out var counts))
            {
                days[day] = counts = new DayCounts();
            }
            return counts;
        }
    }

    private sealed class DayCounts
    {
        public long Messages { get; set; }

        public long NewConversations { get; set; }

        public long GroupMessages { get; set; }

        public long GroupsCreated { get; set; }

        /// <summary>Ordinal order: the lock order of the sender rows.</summary>
        public SortedSet<string> Senders { get; } = new(StringComparer.Ordinal);
    }
}
