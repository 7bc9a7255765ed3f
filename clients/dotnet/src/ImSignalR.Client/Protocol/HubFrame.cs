namespace ImSignalR.Client.Protocol;

/// <summary>SignalR hub message types (HubProtocol.md). Handshake messages have no number.</summary>
internal enum HubFrameType
{
    Invocation = 1,
    StreamItem = 2,
    Completion = 3,
    StreamInvocation = 4,
    CancelInvocation = 5,
    Ping = 6,
    Close = 7,
    Ack = 8,
    Sequence = 9,
}

/// <summary>
/// One parsed hub message. Argument and result values stay in the protocol's native form
/// (<see cref="System.Text.Json.JsonElement"/> for JSON) until the caller asks for a type through
/// <see cref="IHubWireProtocol.Convert{T}"/>, so parsing never needs to know the handler types.
/// </summary>
internal sealed class HubFrame
{
    public required HubFrameType Type { get; init; }
    public string? InvocationId { get; init; }
    public string? Target { get; init; }
    public IReadOnlyList<object?> Arguments { get; init; } = [];
    public object? Result { get; init; }
    public bool HasResult { get; init; }
    public string? Error { get; init; }
    public bool AllowReconnect { get; init; }
}
