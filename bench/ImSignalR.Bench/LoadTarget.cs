namespace ImSignalR.Bench;

/// <summary>Where senders and receivers connect, how they get a token, and what the server expects.</summary>
/// <param name="SendMethod">Hub method of a send: <c>SendC2C</c> (real hub) or <c>Send</c> (relay).</param>
/// <param name="Acks">Receivers ack (Delivered) in batches: the real hub re-pushes what is not acked.</param>
/// <param name="MessagePack">Every connection speaks the MessagePack hub protocol instead of JSON (real hub only).</param>
internal sealed record LoadTarget(
    Uri SenderHub,
    Uri ReceiverHub,
    Func<string, CancellationToken, Task<string>> TokenFor,
    string SendMethod,
    bool Acks,
    bool MessagePack = false);
