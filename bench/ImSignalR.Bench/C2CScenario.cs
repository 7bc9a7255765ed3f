using System.Collections.Concurrent;

namespace ImSignalR.Bench;

/// <summary>The real hub in embedded mode (SQLite + in-process state), fresh data folder, its own process.</summary>
internal static class C2CScenario
{
    /// <param name="messagePack">Every connection on the MessagePack protocol (the <c>c2c-msgpack</c> row).</param>
    public static async Task RunAsync(ScenarioContext context, bool messagePack = false)
    {
        var data = HubEnvironment.NewDataDirectory();
        await using var hub = await ServerProcess.StartAsync(RepoPaths.HubDll, HubEnvironment.Embedded(data, context.Options), data, context.CancellationToken).ConfigureAwait(false);
        var target = new LoadTarget(hub.HubUri, hub.HubUri, Tokens(hub), "SendC2C", Acks: true, messagePack);
        await PairLoad.RunAsync(context, messagePack ? "c2c-msgpack" : "c2c", target, [hub], halfRatePhase: true).ConfigureAwait(false);
    }

    public static Func<string, CancellationToken, Task<string>> Tokens(ServerProcess issuer)
    {
        var cache = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        return async (user, ct) =>
        {
            if (cache.TryGetValue(user, out var token))
            {
                return token;
            }
            token = await issuer.TokenAsync(user, ct).ConfigureAwait(false);
            cache[user] = token;
            return token;
        };
    }
}
