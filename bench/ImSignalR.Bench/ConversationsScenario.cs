namespace ImSignalR.Bench;

/// <summary>
/// The growth curve of issue 19: accepted msg/s and latency against the number of concurrent conversations, on one
/// embedded hub. Each conversation is a sender and a receiver connection with one send in flight (window 1), so the
/// offered load grows with the conversations and the curve shows what many chats, not deep pipelines, cost.
/// </summary>
internal static class ConversationsScenario
{
    public const string Name = "conversations";

    public static async Task RunAsync(ScenarioContext context)
    {
        var o = context.Options;
        var data = HubEnvironment.NewDataDirectory();
        await using var hub = await ServerProcess.StartAsync(RepoPaths.HubDll, HubEnvironment.Embedded(data, o), data, context.CancellationToken).ConfigureAwait(false);
        var target = new LoadTarget(hub.HubUri, hub.HubUri, C2CScenario.Tokens(hub), "SendC2C", Acks: true);
        foreach (var count in o.ConversationCounts)
        {
            var run = Guid.NewGuid().ToString("N")[..6];
            await using var runner = await LoadRunner.ConnectAsync(target, $"cv{count}-{run}-", count, o.ContentBytes, context.CancellationToken).ConfigureAwait(false);
            var before = await ServerSample.TakeAsync([hub], context.CancellationToken).ConfigureAwait(false);
            var phase = await runner.RunClosedAsync($"cv{count}-", window: 1, o.Warmup, o.Duration, context.DrainTimeout, context.CancellationToken).ConfigureAwait(false);
            var after = await ServerSample.TakeAsync([hub], context.CancellationToken).ConfigureAwait(false);
            context.Add(BenchResult.FromPhase(Name, $"{count} conversations", phase, before, after, context.RelayRate) with { Conversations = count });
        }
    }
}
