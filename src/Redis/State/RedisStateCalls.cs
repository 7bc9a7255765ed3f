using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>Maps "Redis is away" failures of StackExchange.Redis to the domain's retriable <c>IM_STATE_UNAVAILABLE</c>.</summary>
internal static class RedisStateCalls
{
    public static async ValueTask<T> RunAsync<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new ImException(ImErrorCode.StateUnavailable, "Cluster state (Redis) is unavailable.", ex);
        }
    }

    public static async ValueTask RunAsync(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new ImException(ImErrorCode.StateUnavailable, "Cluster state (Redis) is unavailable.", ex);
        }
    }

    /// <summary>
    /// Connection failures (fail-fast while disconnected), timeouts, and the server errors that mean "not now"
    /// (loading its data, a cluster re-sharding or without a master for the slot, a replica that became read-only
    /// in a failover). Other server errors are bugs, not outages, and surface as they are.
    /// </summary>
    internal static bool IsUnavailable(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => IsTransient(server.Message),
        _ => false,
    };

    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("BUSY", StringComparison.Ordinal);
}
