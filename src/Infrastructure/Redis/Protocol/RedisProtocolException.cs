namespace ImSignalR.Infrastructure.Redis.Protocol;

/// <summary>
/// The one exception for bytes that are not valid RESP, or that break a configured limit. The connection
/// that produced them cannot be trusted any more and is closed by the client.
/// </summary>
public sealed class RedisProtocolException : Exception
{
    public RedisProtocolException(string message)
        : base(message)
    {
    }
}
