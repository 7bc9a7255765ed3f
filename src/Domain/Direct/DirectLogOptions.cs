namespace ImSignalR.Domain.Direct;

/// <summary>Group-commit settings of the direct message log (<c>Im:DirectLog</c>).</summary>
public sealed class DirectLogOptions
{
    /// <summary>Most events in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Events waiting for the writer before appends wait for room.</summary>
    public int QueueCapacity { get; set; } = 20_000;
}
