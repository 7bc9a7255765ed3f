using ImSignalR.Infrastructure.Redis;

namespace ImSignalR.IntegrationTests.Redis;

/// <summary>
/// The shared Redis for a test collection: <c>IM_TEST_REDIS</c> (host:port) when set, otherwise a private
/// <c>redis-server</c> started here and killed at the end. Tests isolate themselves by unique keys.
/// Restart tests always get their own server (<see cref="StartPrivateServerAsync"/>).
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServerProcess? _ownServer;

    public string Endpoint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("IM_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            Endpoint = external.Trim();
            return;
        }
        _ownServer = await RedisServerProcess.StartAsync();
        Endpoint = _ownServer.Endpoint;
    }

    public async Task DisposeAsync()
    {
        if (_ownServer is not null)
        {
            await _ownServer.DisposeAsync();
        }
    }

    public static Task<RedisServerProcess> StartPrivateServerAsync(params string[] extraArgs) => RedisServerProcess.StartAsync(extraArgs);

    internal async Task<RedisConnection> ConnectAsync(string options = "") => await ConnectAsync(Endpoint, options);

    internal static async Task<RedisConnection> ConnectAsync(string endpoint, string options = "")
    {
        var config = RedisConfiguration.Parse(endpoint + (options.Length > 0 ? "," + options : "")) with
        {
            MinReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
        };
        var connection = new RedisConnection(config);
        await connection.WaitConnectedAsync(TimeSpan.FromSeconds(10));
        return connection;
    }

    public static string UniqueKey(string name) => $"test:{name}:{Guid.NewGuid():N}";
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}
