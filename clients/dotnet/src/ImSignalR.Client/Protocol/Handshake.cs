using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ImSignalR.Client.Protocol;

/// <summary>The handshake: always JSON terminated by 0x1E, whatever the hub protocol (HubProtocol.md).</summary>
internal static class Handshake
{
    private const int MaxResponseBytes = 4096;

    public static byte[] Request(string protocol, int version) =>
        Encoding.UTF8.GetBytes($"{{\"protocol\":\"{protocol}\",\"version\":{version}}}\u001e");

    /// <summary>Reads the response from the front of <paramref name="buffer"/>; false when incomplete.</summary>
    /// <exception cref="ImConnectionException">The server refused the handshake.</exception>
    /// <exception cref="ImProtocolException">The response is malformed.</exception>
    public static bool TryReadResponse(ref ReadOnlySequence<byte> buffer)
    {
        var end = buffer.PositionOf(JsonWireProtocol.RecordSeparator);
        if (end is null)
        {
            if (buffer.Length > MaxResponseBytes)
            {
                throw new ImProtocolException("The handshake response is too large.");
            }
            return false;
        }
        var payload = buffer.Slice(0, end.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("type", out _))
            {
                throw new ImProtocolException("Expected a handshake response from the server.");
            }
            if (root.TryGetProperty("error", out var error))
            {
                throw new ImConnectionException($"The server refused the handshake: {error.GetString()}", allowReconnect: false);
            }
            return true;
        }
        catch (JsonException ex)
        {
            throw new ImProtocolException("The handshake response is not valid JSON.", ex);
        }
    }
}
