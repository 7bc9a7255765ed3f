namespace ImSignalR.Infrastructure.Redis;

/// <summary>Redis answered with an error reply (<c>-ERR …</c>, <c>-WRONGTYPE …</c>, <c>-NOSCRIPT …</c>).</summary>
public sealed class RedisServerException : Exception
{
    public RedisServerException(string message)
        : base(message)
    {
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        Prefix = space < 0 ? message : message[..space];
    }

    /// <summary>The first word of the error, e.g. <c>NOSCRIPT</c> or <c>WRONGTYPE</c>.</summary>
    public string Prefix { get; }
}
