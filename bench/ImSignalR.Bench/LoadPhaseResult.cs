namespace ImSignalR.Bench;

/// <summary>What the load generator measured in one phase.</summary>
internal sealed record LoadPhaseResult(
    string Mode,
    int Pairs,
    int Window,
    double TargetRate,
    double Seconds,
    long Accepted,
    double AcceptedPerSecond,
    double DeliveredPerSecond,
    LatencyStats Latency,
    long Loss,
    long AppDuplicates,
    long Repushes,
    long SendErrors,
    long DuplicateResults,
    double DrainSeconds,
    double WarmupSeconds = 0);
