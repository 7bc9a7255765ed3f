using ImSignalR.Domain.Errors;
using ImSignalR.Infrastructure.Redis.Protocol;

namespace ImSignalR.Infrastructure.Redis.State;

/// <summary>Maps the client's "Redis is away" failures to the domain's retriable <c>IM_STATE_UNAVAILABLE</c>.</summary>
internal static class RedisStateCalls
{
    public static async ValueTask<RedisValue> RunAsync(Task<RedisValue> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisUnavailableException or RedisTimeoutException)
        {
            throw new ImException(ImErrorCode.StateUnavailable, "Cluster state (Redis) is unavailable.", ex);
        }
    }
}
