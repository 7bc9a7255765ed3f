using System.Buffers;
using ImSignalR.Contracts;
using ImSignalR.Hub.Protocols.MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

/// <summary>Frames exactly as @microsoft/signalr-protocol-msgpack 10.x writeMessage() produces them
/// (captured under Node), parsed by the official protocol as the hub registers it.</summary>
public sealed class OfficialTsClientFramesTests
{
    private static readonly FakeInvocationBinder Binder = new FakeInvocationBinder()
        .Method(HubMethods.SendC2C, typeof(SendRequest))
        .Method(HubMethods.SyncMessages, typeof(SyncRequest))
        .Returns("5", typeof(AckResult));

    private static List<HubMessage> ParseAll(string hex)
    {
        var input = new ReadOnlySequence<byte>(Hex.Bytes(hex));
        var protocol = ImMessagePackHubProtocol.Create();
        var messages = new List<HubMessage>();
        while (protocol.TryParseMessage(ref input, Binder, out var message))
        {
            messages.Add(message);
        }
        Assert.True(input.IsEmpty);
        return messages;
    }

    [Fact]
    public void ABatchOfTsClientFramesParses()
    {
        const string frames =
            "42960180A130A753656E644332439184AB636C69656E744D73674964A3632D31A8746F557365724964A27532A7636F6E74656E74A26869A96D7367466F726D61740190"
            + "2D950180A131AC53796E634D657373616765739182A6636861744964A7635F75315F7532A8616674657253657103"
            + "039207C0"
            + "029106"
            + "0E950380A1350381A561636B656402";
        var messages = ParseAll(frames);
        Assert.Equal(5, messages.Count);

        var send = Assert.IsType<InvocationMessage>(messages[0]);
        Assert.Equal("0", send.InvocationId);
        var request = Assert.IsType<SendRequest>(send.Arguments[0]);
        Assert.Equal(("c-1", "u2", "hi", 1), (request.ClientMsgId, request.ToUserId, request.Content, request.MsgFormat));

        var sync = Assert.IsType<InvocationMessage>(messages[1]);
        Assert.Null(sync.StreamIds);
        Assert.Equal(3, Assert.IsType<SyncRequest>(sync.Arguments[0]).AfterSeq);

        Assert.Null(Assert.IsType<CloseMessage>(messages[2]).Error);
        Assert.IsType<PingMessage>(messages[3]);
        Assert.Equal(2, Assert.IsType<AckResult>(Assert.IsType<CompletionMessage>(messages[4]).Result).Acked);
    }
}
