namespace ImSignalR.Infrastructure.Redis;

/// <summary>A command got no reply within the configured command timeout (<c>syncTimeout</c>).</summary>
public sealed class RedisTimeoutException : TimeoutException
{
    public RedisTimeoutException(string message)
        : base(message)
    {
    }
}
