using Dapper;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Storage.Internal;

/// <summary>The <c>blocks</c> table (migration 002) for both engines.</summary>
internal sealed class SqlBlockStore(IDbConnectionFactory connections, SqlDialect dialect) : IBlockStore
{
    private const string Delete = "DELETE FROM blocks WHERE user_id = @UserId AND blocked_user_id = @BlockedUserId";

    private const string Select =
        "SELECT blocked_user_id FROM blocks WHERE user_id = @UserId ORDER BY created_at, blocked_user_id LIMIT @Limit";

    private readonly string _insert = dialect.InsertIgnoringDuplicate(
        "blocks", "user_id, blocked_user_id, created_at", "(@UserId, @BlockedUserId, @Now)", "user_id");

    public async Task<bool> SetBlockedAsync(string userId, string blockedUserId, bool blocked, long now, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            var affected = await connection.ExecuteAsync(new CommandDefinition(
                blocked ? _insert : Delete, new { UserId = userId, BlockedUserId = blockedUserId, Now = now }, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            return affected > 0;
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(SetBlockedAsync), cancellationToken);
        }
    }

    public async Task<IReadOnlyList<string>> GetBlockedAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            var rows = await connection.QueryAsync<string>(new CommandDefinition(Select, new { UserId = userId, Limit = limit }, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            return rows.AsList();
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(GetBlockedAsync), cancellationToken);
        }
    }
}
