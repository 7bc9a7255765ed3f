using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;
using ImSignalR.Infrastructure.Protocols.MessagePack.Internal;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace ImSignalR.Infrastructure.Protocols.MessagePack;

/// <summary>
/// The <c>messagepack</c> hub protocol, wire-compatible with the official clients (HubProtocol.md):
/// VarInt-framed MessagePack arrays. Unlike the official server, DTO members travel under camelCase keys
/// (matched ignoring case on input), the same names as the JSON protocol.
/// </summary>
internal sealed class MessagePackHubProtocol : IHubProtocol
{
    public const string ProtocolName = "messagepack";

    // Ping never changes: framed once, written as is (length 2, then 91 06).
    private static readonly byte[] FramedPing = [0x02, 0x91, 0x06];

    private readonly MessagePackReaderOptions _readerOptions;
    private readonly int _maxDepth;

    public MessagePackHubProtocol()
        : this(Options.Create(new MessagePackHubProtocolOptions()))
    {
    }

    public MessagePackHubProtocol(IOptions<MessagePackHubProtocolOptions> options)
    {
        _readerOptions = options.Value.ToReaderOptions();
        _maxDepth = options.Value.MaxDepth;
    }

    public string Name => ProtocolName;

    public int Version => 2;

    public TransferFormat TransferFormat => TransferFormat.Binary;

    public bool IsVersionSupported(int version) => version <= Version;

    /// <summary>
    /// Parses the next complete frame. Frames of an unknown message type are consumed and yield nothing;
    /// unlike the official parser (which then returns false and leaves later frames waiting for more input)
    /// this goes on to the next frame, returning false only when no complete known message is left.
    /// </summary>
    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        while (VarIntFraming.TryReadLength(input, out var length, out var prefixLength))
        {
            if (length > _readerOptions.MaxMessageSize)
            {
                throw MessagePackThrow.Create(
                    $"Message length {length} exceeds the limit of {_readerOptions.MaxMessageSize}", 0, input.Slice(0, prefixLength));
            }
            if (input.Length < prefixLength + length)
            {
                break;
            }
            var payload = input.Slice(prefixLength, length);
            var reader = new MessagePackReader(payload, _readerOptions);
            message = HubMessageReader.Parse(ref reader, binder);
            input = input.Slice(payload.End);
            if (message is not null)
            {
                return true;
            }
        }
        message = null;
        return false;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output)
    {
        if (message is PingMessage)
        {
            output.Write(FramedPing);
            return;
        }
        var buffer = PooledBufferWriter.Rent();
        try
        {
            var writer = new MessagePackWriter(buffer, _maxDepth);
            HubMessageWriter.Write(ref writer, message);
            var prefix = output.GetSpan(VarIntFraming.MaxPrefixLength);
            output.Advance(VarIntFraming.WriteLength(prefix, buffer.WrittenCount));
            output.Write(buffer.WrittenSpan);
        }
        finally
        {
            PooledBufferWriter.Return(buffer);
        }
    }

    /// <summary>The framed bytes of one message, e.g. to publish once on the backplane and send many times.</summary>
    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message)
    {
        if (message is PingMessage)
        {
            return FramedPing;
        }
        var buffer = PooledBufferWriter.Rent();
        try
        {
            var writer = new MessagePackWriter(buffer, _maxDepth);
            HubMessageWriter.Write(ref writer, message);
            Span<byte> prefix = stackalloc byte[VarIntFraming.MaxPrefixLength];
            var prefixLength = VarIntFraming.WriteLength(prefix, buffer.WrittenCount);
            var bytes = new byte[prefixLength + buffer.WrittenCount];
            prefix[..prefixLength].CopyTo(bytes);
            buffer.WrittenSpan.CopyTo(bytes.AsSpan(prefixLength));
            return bytes;
        }
        finally
        {
            PooledBufferWriter.Return(buffer);
        }
    }
}
