using System.Buffers;
using System.Text;
using ImSignalR.Hub.Protocols.MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

/// <summary>Hub protocol frames by hand: a VarInt length prefix, then the MessagePack array (HubProtocol.md).</summary>
internal static class Frames
{
    public static byte[] Frame(string payloadHex) => Frame(Hex.Bytes(payloadHex));

    public static byte[] Frame(byte[] payload)
    {
        var prefix = new List<byte>();
        var length = (uint)payload.Length;
        do
        {
            var part = (byte)(length & 0x7f);
            length >>= 7;
            prefix.Add(length > 0 ? (byte)(part | 0x80) : part);
        }
        while (length > 0);
        return [.. prefix, .. payload];
    }

    /// <summary>An invocation [1, {}, "1", target, [argument], []] with the argument given as raw MessagePack.</summary>
    public static byte[] Invocation(string target, byte[] argument)
    {
        var targetBytes = Encoding.UTF8.GetBytes(target);
        byte[] head = [0x96, 0x01, 0x80, 0xA1, (byte)'1', (byte)(0xA0 + targetBytes.Length), .. targetBytes, 0x91];
        return Frame([.. head, .. argument, 0x90]);
    }

    /// <summary>Parses exactly one frame with the protocol as the hub registers it.</summary>
    public static HubMessage? ParseOne(byte[] framed, IInvocationBinder binder) => ParseOne(new ReadOnlySequence<byte>(framed), binder);

    public static HubMessage? ParseOne(ReadOnlySequence<byte> input, IInvocationBinder binder)
    {
        var parsed = ImMessagePackHubProtocol.Create().TryParseMessage(ref input, binder, out var message);
        Assert.True(input.IsEmpty, "the whole frame is consumed");
        return parsed ? message : null;
    }
}
