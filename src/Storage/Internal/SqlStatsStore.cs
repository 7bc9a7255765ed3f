using System.Globalization;
using Dapper;
using ImSignalR.Contracts;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// The statistics tables (migration 004) for both engines. The counters of applied events are written by the
/// message store's own batches (<see cref="StatsBatch"/>); this class reads them and adds moderation hits.
/// </summary>
internal sealed class SqlStatsStore(IDbConnectionFactory connections, SqlDialect dialect) : IStatsStore
{
    /// <summary>Rows per DELETE: each is its own short transaction, so a prune never holds a big lock (or SQLite's writer) for long.</summary>
    internal const int PruneStep = 5_000;

    private readonly string _upsert = dialect.UpsertAddingStats(StoreSql.ValuesList(1, StatsSql.DailyColumnCount));

    public async Task<IReadOnlyList<DailyStats>> GetDailyStatsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(StatsSql.SelectDays,
                new { From = StatsDays.FromDate(from), To = StatsDays.FromDate(to) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var days = new List<DailyStats>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // SUM is DECIMAL on MySQL and INTEGER on SQLite: read either as a long.
                long Counter(int i) => Convert.ToInt64(reader.GetValue(i + 1), CultureInfo.InvariantCulture);
                days.Add(new DailyStats
                {
                    Day = StatsDays.ToWire(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)),
                    MessagesC2c = Counter(0),
                    MessagesGroup = Counter(1),
                    ActiveSenders = Counter(2),
                    NewConversations = Counter(3),
                    GroupsCreated = Counter(4),
                    Recalls = Counter(5),
                    ModerationHits = Counter(6),
                });
            }
            return days;
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(GetDailyStatsAsync), cancellationToken);
        }
    }

    public async Task<long> PruneActiveSendersAsync(DateOnly before, CancellationToken cancellationToken)
    {
        long deleted = 0;
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            int step;
            do
            {
                step = await connection.ExecuteAsync(new CommandDefinition(dialect.DeleteActiveSendersBefore,
                    new { Before = StatsDays.FromDate(before), Limit = PruneStep }, cancellationToken: cancellationToken)).ConfigureAwait(false);
                deleted += step;
            }
            while (step == PruneStep);
            return deleted;
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(PruneActiveSendersAsync), cancellationToken);
        }
    }

    public async Task AddModerationHitsAsync(DateOnly day, long hits, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hits);
        if (hits == 0)
        {
            return;
        }
        var shard = dialect.StatsShards == 1 ? 0 : Random.Shared.Next(dialect.StatsShards);
        var parameters = new DynamicParameters();
        object[] row = [StatsDays.FromDate(day), shard, 0L, 0L, 0L, 0L, 0L, 0L, hits];
        for (var c = 0; c < row.Length; c++)
        {
            parameters.Add(StoreSql.ParameterName(0, c), row[c]);
        }
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(_upsert, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(AddModerationHitsAsync), cancellationToken);
        }
    }
}
