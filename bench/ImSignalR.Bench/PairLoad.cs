namespace ImSignalR.Bench;

/// <summary>Runs the pair load against started servers: a closed-loop phase, then (optionally) an open-loop one at half its rate.</summary>
internal static class PairLoad
{
    public static async Task<double> RunAsync(ScenarioContext context, string scenario, LoadTarget target, IReadOnlyList<ServerProcess> servers, bool halfRatePhase)
    {
        var o = context.Options;
        var ct = context.CancellationToken;
        // Users unique to this run: a shared store (MySQL) outlives runs, and resent clientMsgIds of an earlier
        // run's users would be answered, correctly, as duplicates of the old messages — and never delivered.
        var run = Guid.NewGuid().ToString("N")[..6];
        await using var runner = await LoadRunner.ConnectAsync(target, $"{scenario}-{run}-", o.Pairs, o.ContentBytes, ct).ConfigureAwait(false);
        runner.Gate = o.Settle > TimeSpan.Zero ? new WarmupGate(servers, o.Warmup + o.Settle) : null;

        var before = await ServerSample.TakeAsync(servers, ct).ConfigureAwait(false);
        var closed = await runner.RunClosedAsync($"{scenario}-c-", o.Window, o.Warmup, o.Duration, context.DrainTimeout, ct).ConfigureAwait(false);
        var after = await ServerSample.TakeAsync(servers, ct).ConfigureAwait(false);
        context.Add(BenchResult.FromPhase(scenario, $"closed W={o.Window}", closed, before, after, scenario == "relay" ? null : context.RelayRate));

        if (halfRatePhase && closed.AcceptedPerSecond > 0)
        {
            var rate = closed.AcceptedPerSecond / 2;
            before = await ServerSample.TakeAsync(servers, ct).ConfigureAwait(false);
            var paced = await runner.RunPacedAsync($"{scenario}-p-", rate, o.Warmup, o.Duration, context.DrainTimeout, ct).ConfigureAwait(false);
            after = await ServerSample.TakeAsync(servers, ct).ConfigureAwait(false);
            context.Add(BenchResult.FromPhase(scenario, $"paced {rate:0}/s (half)", paced, before, after, scenario == "relay" ? null : context.RelayRate));
        }
        return closed.AcceptedPerSecond;
    }
}
