namespace ImSignalR.Infrastructure.Redis;

/// <summary>
/// Redis cannot be reached, or the connection broke while the command was in flight (it may or may not
/// have run). Retriable: the client reconnects by itself with backoff.
/// </summary>
public sealed class RedisUnavailableException : Exception
{
    public RedisUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
