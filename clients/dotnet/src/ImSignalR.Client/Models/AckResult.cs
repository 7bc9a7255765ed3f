namespace ImSignalR.Client.Models;

/// <summary>The <c>Ack</c> result.</summary>
public sealed record AckResult
{
    /// <summary>How many of the ids are messages to the caller.</summary>
    public required int Acked { get; init; }
}
