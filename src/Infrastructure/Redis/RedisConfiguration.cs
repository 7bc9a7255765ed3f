using System.Globalization;

namespace ImSignalR.Infrastructure.Redis;

/// <summary>
/// A parsed connection string in the StackExchange.Redis style, so configuration keeps working if that
/// client replaces ours: <c>host:port[,option=value…]</c> with <c>password</c>, <c>user</c>,
/// <c>defaultDatabase</c>, <c>connectTimeout</c> and <c>syncTimeout</c> (ms), <c>name</c>; <c>abortConnect</c>
/// is accepted and ignored (we always keep retrying). Only the first endpoint is used.
/// </summary>
internal sealed record RedisConfiguration
{
    public string Host { get; init; } = "localhost";

    public int Port { get; init; } = 6379;

    public string? User { get; init; }

    public string? Password { get; init; }

    public int Database { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-command timeout.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public string ClientName { get; init; } = "imsignalr";

    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

    public static RedisConfiguration Parse(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var result = new RedisConfiguration();
        var endpointSeen = false;
        foreach (var raw in configuration.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                if (!endpointSeen)
                {
                    var (host, port) = ParseEndpoint(raw);
                    result = result with { Host = host, Port = port };
                    endpointSeen = true;
                }
                continue;
            }
            var key = raw[..eq].Trim();
            var value = raw[(eq + 1)..].Trim();
            result = key.ToLowerInvariant() switch
            {
                "password" => result with { Password = value },
                "user" => result with { User = value },
                "defaultdatabase" => result with { Database = int.Parse(value, CultureInfo.InvariantCulture) },
                "connecttimeout" => result with { ConnectTimeout = Millis(value) },
                "synctimeout" or "asynctimeout" or "commandtimeout" => result with { CommandTimeout = Millis(value) },
                "name" => result with { ClientName = value },
                "abortconnect" or "keepalive" => result,
                _ => throw new FormatException($"Unknown Redis configuration option '{key}'."),
            };
        }
        return result;
    }

    private static TimeSpan Millis(string value) => TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture));

    private static (string Host, int Port) ParseEndpoint(string endpoint)
    {
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf(']', StringComparison.Ordinal);
            var host = endpoint[1..close];
            return endpoint.Length > close + 2 ? (host, int.Parse(endpoint[(close + 2)..], CultureInfo.InvariantCulture)) : (host, 6379);
        }
        var colon = endpoint.LastIndexOf(':');
        return colon < 0 ? (endpoint, 6379) : (endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    public override string ToString() => $"{Host}:{Port}/{Database}";
}
