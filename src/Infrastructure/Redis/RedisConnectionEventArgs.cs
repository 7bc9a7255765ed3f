namespace ImSignalR.Infrastructure.Redis;

/// <param name="Role">"command" or "subscriber".</param>
internal sealed class RedisConnectionEventArgs(string role, Exception? error) : EventArgs
{
    public string Role { get; } = role;

    public Exception? Error { get; } = error;
}
