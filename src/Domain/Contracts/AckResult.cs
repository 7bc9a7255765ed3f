namespace ImSignalR.Domain.Contracts;

/// <summary><c>Ack</c> result: how many of the given ids are messages to the caller (acked now or before).</summary>
public sealed class AckResult
{
    public required int Acked { get; init; }
}
