namespace ImSignalR.Domain.Contracts;

/// <summary><c>Ack</c> argument: <see cref="Status"/> is <c>"Delivered"</c> or <c>"Read"</c>.</summary>
public sealed class AckRequest
{
    public IReadOnlyList<string>? MsgIds { get; init; }
    public string? Status { get; init; }
}
