using ImSignalR.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

if (options.RenderFrom is { } from)
{
    foreach (var file in GrowthCharts.Write(await GrowthCharts.LoadAsync(from, CancellationToken.None), options.ChartDirectory ?? Path.Combine("docs", "charts")))
    {
        Console.WriteLine($"chart: {file}");
    }
    return 0;
}

// 20,000 idle connections need as many sockets in this process and in the hub it starts (which inherits the limit).
var fdLimit = FdLimit.Raise(65_536);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var context = new ScenarioContext(options, cancel.Token);
Console.WriteLine($"ImSignalR.Bench {(options.Quick ? "--quick " : "")}pairs={options.Pairs} window={options.Window} warmup={options.Warmup.TotalSeconds}s(+{options.Settle.TotalSeconds}s while compiling) duration={options.Duration.TotalSeconds}s content={options.ContentBytes}B; {Environment.ProcessorCount} cores; open files {fdLimit}; load {ServerSample.LoadAverage()}");
Console.WriteLine("latencies in ms (send → receive); acc/s = sends accepted per second; dlv/s = first deliveries per second");
ResultReport.PrintHeader();

// The relay runs first so every other scenario can be reported as a ratio to it.
var scenarios = new (string Name, Func<Task> Run)[]
{
    ("relay", () => RelayScenario.RunAsync(context)),
    ("c2c", () => C2CScenario.RunAsync(context)),
    ("c2c-msgpack", () => C2CScenario.RunAsync(context, messagePack: true)),
    ("c2c-cluster", () => ClusterScenario.RunAsync(context)),
    ("c2c-cluster-msgpack", () => ClusterScenario.RunAsync(context, messagePack: true)),
    ("c2c-rocketmq", () => RocketMqScenario.RunAsync(context)),
    (ConversationsScenario.Name, () => ConversationsScenario.RunAsync(context)),
    (StoreSizeScenario.Name, () => StoreSizeScenario.RunAsync(context)),
    (GroupScenario.Name, () => GroupScenario.RunAsync(context)),
    ("connections", async () =>
    {
        foreach (var count in options.ConnectionCounts)
        {
            await ConnectionsScenario.RunAsync(context, count, relay: false);
        }
        // The same count against the bare relay: the share of SignalR and Kestrel in the figure above.
        await ConnectionsScenario.RunAsync(context, options.ConnectionCounts[^1], relay: true);
    }),
};
foreach (var (name, run) in scenarios)
{
    if (!options.Scenarios.Contains(name, StringComparer.OrdinalIgnoreCase))
    {
        continue;
    }
    try
    {
        await run();
    }
    catch (Exception ex) when (ex is not OperationCanceledException)
    {
        context.Add(BenchResult.Failed(name, "-", ex));
    }
}

await ResultReport.WriteJsonAsync(options.Output, options, context.Results, CancellationToken.None);
if (options.ChartDirectory is { } charts)
{
    foreach (var file in GrowthCharts.Write(context.Results, charts))
    {
        Console.WriteLine($"chart: {file}");
    }
}
var failed = context.Results.Any(r => r.Status == "failed" || (r.Status == "ok" && r.Load is { Loss: > 0 } or { AppDuplicates: > 0 }));
return failed ? 1 : 0;
