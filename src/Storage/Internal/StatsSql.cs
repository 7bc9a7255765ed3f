namespace ImSignalR.Storage.Internal;

/// <summary>SQL text of the statistics tables (migration 004), shared by both dialects.</summary>
internal static class StatsSql
{
    /// <summary>The counters of <c>stats_daily</c>, in the order the store binds them after <c>day, shard</c>.</summary>
    public static readonly string[] Counters =
        ["messages_c2c", "messages_group", "active_senders", "new_conversations", "groups_created", "recalls", "moderation_hits"];

    public const string DailyKey = "day, shard";

    /// <summary>Columns of one <c>stats_daily</c> row: the key, then <see cref="Counters"/>.</summary>
    public static readonly string DailyColumns = DailyKey + ", " + string.Join(", ", Counters);

    public static readonly int DailyColumnCount = 2 + Counters.Length;

    /// <summary>A day's figure is the sum over its shards.</summary>
    public static readonly string SelectDays =
        "SELECT day, " + string.Join(", ", Counters.Select(c => $"SUM({c})")) +
        " FROM stats_daily WHERE day BETWEEN @From AND @To GROUP BY day ORDER BY day";

    public const string ActiveSenderColumns = "day, user_id";

    /// <summary>
    /// MySQL: recalls of the ids <c>@i0</c>… by their senders <c>@f0</c>…, in one statement; only rows not yet
    /// recalled change, so ROW_COUNT() right after it is the number of recalls that took effect. The primary key is
    /// forced for the same reason as in <see cref="StoreSql.RaiseStatus"/> (lock order against concurrent writers).
    /// </summary>
    public static string RecallMany(int count)
    {
        var ids = string.Join(", ", Enumerable.Range(0, count).Select(i => $"@i{i}"));
        var pairs = string.Join(" OR ", Enumerable.Range(0, count).Select(i => $"(msg_id = @i{i} AND from_user_id = @f{i})"));
        return $"UPDATE messages FORCE INDEX (PRIMARY) SET content = '', ext = NULL, recalled = 1 WHERE msg_id IN ({ids}) AND recalled = 0 AND ({pairs})";
    }
}
