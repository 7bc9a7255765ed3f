using System.Buffers;
using System.Net.WebSockets;

namespace ImSignalR.Client.Protocol;

/// <summary>
/// The one protocol seam of the SDK: JSON today (<see cref="JsonWireProtocol"/>), MessagePack next.
/// The handshake itself is always JSON + 0x1E and lives in <see cref="Handshake"/>.
/// </summary>
internal interface IHubWireProtocol
{
    /// <summary><c>json</c> or <c>messagepack</c>.</summary>
    string Name { get; }

    /// <summary>Text for JSON, Binary for MessagePack.</summary>
    WebSocketMessageType MessageType { get; }

    void WriteInvocation(IBufferWriter<byte> output, string? invocationId, string target, IReadOnlyList<object?> arguments);

    void WriteCompletion(IBufferWriter<byte> output, string invocationId, string? error);

    void WritePing(IBufferWriter<byte> output);

    void WriteClose(IBufferWriter<byte> output);

    /// <summary>Parses one message from the front of <paramref name="buffer"/>; false when it is incomplete.</summary>
    /// <exception cref="ImProtocolException">The bytes are not a valid message.</exception>
    bool TryParse(ref ReadOnlySequence<byte> buffer, out HubFrame? frame);

    /// <summary>Converts a native value from a parsed frame to <typeparamref name="T"/>.</summary>
    T? Convert<T>(object? value);
}
