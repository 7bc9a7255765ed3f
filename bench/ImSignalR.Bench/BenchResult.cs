namespace ImSignalR.Bench;

/// <summary>One row of the results: a phase of a scenario with the load side and the server side.</summary>
internal sealed record BenchResult
{
    public required string Scenario { get; init; }
    public required string Phase { get; init; }
    /// <summary><c>ok</c>, <c>not available</c> (a prerequisite is missing) or <c>failed</c>.</summary>
    public string Status { get; init; } = "ok";
    public string? Note { get; init; }
    public LoadPhaseResult? Load { get; init; }
    /// <summary>Accepted msg/s divided by the relay's, measured in the same run.</summary>
    public double? RatioToRelay { get; init; }
    /// <summary>Server CPU over the phase (warm-up to drain), percent of one core; the machine has <see cref="Environment.ProcessorCount"/>.</summary>
    public double? ServerCpuPercent { get; init; }
    /// <summary>Server CPU milliseconds per accepted message.</summary>
    public double? ServerCpuMsPerMessage { get; init; }
    public double? BenchCpuPercent { get; init; }
    public int? BenchGcs { get; init; }
    public double? LogAppendMeanMs { get; init; }
    public double? LogAppendP99BucketMs { get; init; }
    /// <summary>The direct log's group commits (both nodes, C2C and group logs): mean duration and mean events per commit.</summary>
    public double? CommitMeanMs { get; init; }
    public double? BatchMeanEvents { get; init; }
    public double? SendMeanMs { get; init; }
    public double? SendP99BucketMs { get; init; }
    public double? ServerPushes { get; init; }
    public double? SweeperReplays { get; init; }
    public int? Connections { get; init; }
    /// <summary>Concurrent conversations of a <c>conversations</c> row (the growth curve's x).</summary>
    public int? Conversations { get; init; }
    public double? ConnectSeconds { get; init; }
    public long? RssBeforeBytes { get; init; }
    public long? RssAfterBytes { get; init; }
    public double? BytesPerConnection { get; init; }
    /// <summary>RocketMQ mode: the persistence consumer's lag in messages (summed over queues) sampled during the load.</summary>
    public double? ConsumerLagP50 { get; init; }
    public double? ConsumerLagP99 { get; init; }
    public double? ConsumerLagMax { get; init; }
    /// <summary>Store-size rows: the provider and message count (the curve's x), and the read latencies through a hub.</summary>
    public string? StoreProvider { get; init; }
    public int? StoreMessages { get; init; }
    public double? SyncP50Ms { get; init; }
    public double? SyncP99Ms { get; init; }
    public double? ConversationsP50Ms { get; init; }
    public double? ConversationsP99Ms { get; init; }
    public string? LoadAverageStart { get; init; }
    public string? LoadAverageEnd { get; init; }

    public static BenchResult Unavailable(string scenario, string why) =>
        new() { Scenario = scenario, Phase = "-", Status = "not available", Note = why, LoadAverageStart = ServerSample.LoadAverage() };

    public static BenchResult Failed(string scenario, string phase, Exception error) =>
        new() { Scenario = scenario, Phase = phase, Status = "failed", Note = error.GetType().Name + ": " + OneLine(error.Message), LoadAverageStart = ServerSample.LoadAverage() };

    private static string OneLine(string s)
    {
        var flat = s.ReplaceLineEndings(" ");
        return flat.Length <= 600 ? flat : flat[..600] + "…";
    }

    /// <summary>Combines the load side with the server samples taken before and after the phase.</summary>
    public static BenchResult FromPhase(string scenario, string phase, LoadPhaseResult load, ServerSample before, ServerSample after, double? relayRate)
    {
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        var serverCpu = (after.ServerCpu - before.ServerCpu).TotalSeconds;
        return new BenchResult
        {
            Scenario = scenario,
            Phase = phase,
            Load = load,
            RatioToRelay = relayRate is > 0 ? Math.Round(load.AcceptedPerSecond / relayRate.Value, 3) : null,
            ServerCpuPercent = Math.Round(100 * serverCpu / wall, 1),
            ServerCpuMsPerMessage = load.Accepted > 0 ? Math.Round(1000 * serverCpu / load.Accepted, 4) : null,
            BenchCpuPercent = Math.Round(100 * (after.BenchCpu - before.BenchCpu).TotalSeconds / wall, 1),
            BenchGcs = after.BenchGcs - before.BenchGcs,
            LogAppendMeanMs = Round(MetricsText.MeanBetween(before.Metrics, after.Metrics, "im_log_append_duration_milliseconds")),
            LogAppendP99BucketMs = Round(MetricsText.QuantileBoundBetween(before.Metrics, after.Metrics, "im_log_append_duration_milliseconds", 0.99)),
            CommitMeanMs = Round(MetricsText.MeanBetween(before.Metrics, after.Metrics, "im_log_commit_duration_milliseconds")),
            BatchMeanEvents = Round(MetricsText.MeanBetween(before.Metrics, after.Metrics, "im_log_batch_events")),
            SendMeanMs = Round(MetricsText.MeanBetween(before.Metrics, after.Metrics, "im_send_duration_milliseconds")),
            SendP99BucketMs = Round(MetricsText.QuantileBoundBetween(before.Metrics, after.Metrics, "im_send_duration_milliseconds", 0.99)),
            ServerPushes = Round(MetricsText.CountBetween(before.Metrics, after.Metrics, "im_pushes_total")),
            SweeperReplays = Round(MetricsText.CountBetween(before.Metrics, after.Metrics, "im_sweeper_replays_total")),
            LoadAverageStart = before.LoadAverageText,
            LoadAverageEnd = after.LoadAverageText,
        };
    }

    private static double? Round(double value) => double.IsNaN(value) || double.IsInfinity(value) ? null : Math.Round(value, 3);
}
