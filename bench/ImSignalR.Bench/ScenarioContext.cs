namespace ImSignalR.Bench;

/// <summary>What every scenario shares: the options, the rows so far and the relay's rate for ratios.</summary>
internal sealed class ScenarioContext(BenchOptions options, CancellationToken cancellationToken)
{
    public BenchOptions Options { get; } = options;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public List<BenchResult> Results { get; } = [];

    /// <summary>The relay's accepted msg/s in this run (null until the relay ran).</summary>
    public double? RelayRate { get; set; }

    /// <summary>The drain after a phase waits this long for the last messages (the hub's first replay comes after 5 s).</summary>
    public TimeSpan DrainTimeout => Options.Quick ? TimeSpan.FromSeconds(8) : TimeSpan.FromSeconds(20);

    public void Add(BenchResult result)
    {
        Results.Add(result);
        ResultReport.PrintRow(result);
    }
}
