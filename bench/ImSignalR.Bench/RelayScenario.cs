namespace ImSignalR.Bench;

/// <summary>The ceiling: a bare SignalR hub that forwards to <c>Clients.User(to)</c>, in its own process.</summary>
internal static class RelayScenario
{
    public static async Task RunAsync(ScenarioContext context)
    {
        var environment = new Dictionary<string, string>
        {
            ["Relay__MaxParallelInvocationsPerClient"] = Math.Max(4, context.Options.Window).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var relay = await ServerProcess.StartAsync(RepoPaths.RelayDll, environment, null, context.CancellationToken).ConfigureAwait(false);
        // The relay's identity is the access_token query value itself.
        var target = new LoadTarget(relay.HubUri, relay.HubUri, (user, _) => Task.FromResult(user), "Send", Acks: false);
        context.RelayRate = await PairLoad.RunAsync(context, "relay", target, [relay], halfRatePhase: !context.Options.Quick).ConfigureAwait(false);
    }
}
