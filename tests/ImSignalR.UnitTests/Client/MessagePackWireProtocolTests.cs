extern alias sdk;
using System.Buffers;
using ImSignalR.Domain.Contracts;
using ImSignalR.Infrastructure.Protocols.MessagePack;
using ImSignalR.UnitTests.Protocols.MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;
using sdk::ImSignalR.Client;
using sdk::ImSignalR.Client.Models;
using sdk::ImSignalR.Client.Protocol;
using ClientProtocol = sdk::ImSignalR.Client.Protocol.MessagePack.MessagePackWireProtocol;

namespace ImSignalR.UnitTests.Client;

/// <summary>The SDK's MessagePack protocol against the server's (the official one, as the hub registers it), in both directions.</summary>
public sealed class MessagePackWireProtocolTests
{
    private readonly ClientProtocol _client = new();
    private readonly ImMessagePackHubProtocol _server = ImMessagePackHubProtocol.Create();

    [Fact]
    public void AnInvocationTheClientWritesBindsOnTheServerWithCamelCaseMembers()
    {
        var output = new ArrayBufferWriter<byte>();
        _client.WriteInvocation(output, "7", "SendC2C", [new SendRequest { ClientMsgId = "cm-1", ToUserId = "bob", Content = "héllo", MsgFormat = 2 }]);

        var input = new ReadOnlySequence<byte>(output.WrittenMemory);
        var binder = new FakeInvocationBinder().Method("SendC2C", typeof(SendC2CRequest));
        Assert.True(_server.TryParseMessage(ref input, binder, out var message));
        var invocation = Assert.IsType<InvocationMessage>(message);
        Assert.Equal("7", invocation.InvocationId);
        var request = Assert.IsType<SendC2CRequest>(Assert.Single(invocation.Arguments));
        Assert.Equal(("cm-1", "bob", "héllo", 2, (string?)null), (request.ClientMsgId, request.ToUserId, request.Content, request.MsgFormat, request.Ext));
        Assert.True(input.IsEmpty);
    }

    [Fact]
    public void ACompletionAndAPushTheServerWritesConvertToTheClientModels()
    {
        var output = new ArrayBufferWriter<byte>();
        _server.WriteMessage(CompletionMessage.WithResult("7", new SendC2CResult { MsgId = "123456789012345678", ChatId = "c2c:a:b", Seq = 42, ServerTime = 1700000000000, Duplicate = true }), output);
        _server.WriteMessage(new InvocationMessage("ReceiveC2C", [new MessageDto
        {
            MsgId = "9", ClientMsgId = "c", ChatId = "c2c:a:b", Seq = 3, FromUserId = "a", ToUserId = "b",
            Content = "x", MsgFormat = 1, Ext = null, SendTime = 5, Status = 1,
        }]), output);
        var input = new ReadOnlySequence<byte>(output.WrittenMemory);

        Assert.True(_client.TryParse(ref input, out var completion));
        Assert.Equal("7", completion!.InvocationId);
        var result = _client.Convert<SendResult>(completion.Result)!;
        Assert.Equal(("123456789012345678", "c2c:a:b", 42L, 1700000000000L, true), (result.MsgId, result.ChatId, result.Seq, result.ServerTime, result.Duplicate));

        Assert.True(_client.TryParse(ref input, out var push));
        Assert.Equal("ReceiveC2C", push!.Target);
        var message = _client.Convert<ImMessage>(push.Arguments[0])!;
        Assert.Equal(("9", 3L, (string?)null), (message.MsgId, message.Seq, message.Ext));
        Assert.True(input.IsEmpty);
    }

    [Fact]
    public void APingAndACloseRoundTripThroughTheServer()
    {
        var output = new ArrayBufferWriter<byte>();
        _client.WritePing(output);
        _client.WriteClose(output);
        var input = new ReadOnlySequence<byte>(output.WrittenMemory);
        var binder = new FakeInvocationBinder();
        Assert.True(_server.TryParseMessage(ref input, binder, out var ping));
        Assert.IsType<PingMessage>(ping);
        Assert.True(_server.TryParseMessage(ref input, binder, out var close));
        Assert.IsType<CloseMessage>(close);
    }

    [Fact]
    public void AnErrorCompletionKeepsTheImCode()
    {
        var output = new ArrayBufferWriter<byte>();
        _server.WriteMessage(CompletionMessage.WithError("1", "HubException: IM_FORBIDDEN: no"), output);
        var input = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(_client.TryParse(ref input, out var frame));
        Assert.Equal("IM_FORBIDDEN", new ImServerException(frame!.Error!).Code);
    }

    [Fact]
    public void EveryPrefixOfAFrameIsIncompleteAndConsumesNothing()
    {
        var output = new ArrayBufferWriter<byte>();
        _server.WriteMessage(CompletionMessage.WithResult("7", new ImSignalR.Domain.Contracts.AckResult { Acked = 3 }), output);
        var bytes = output.WrittenMemory;
        for (var length = 0; length < bytes.Length; length++)
        {
            var input = new ReadOnlySequence<byte>(bytes[..length]);
            Assert.False(_client.TryParse(ref input, out _));
            Assert.Equal(length, input.Length);
        }
    }

    [Theory]
    [InlineData("FFFFFFFF07", "declares")]           // 2 GB - 1: over the limit before any payload arrives
    [InlineData("FFFFFFFF0F", "over 2GB")]
    [InlineData("8000", "overlong")]
    [InlineData("00", "empty")]
    [InlineData("01C1", "not an array")]             // never-used format byte where the array starts
    [InlineData("0192", "array")]                     // array of two, truncated
    [InlineData("0180", "not an array")]
    [InlineData("08950180C0A17491C1", "Invalid MessagePack")] // an invocation whose argument is the never-used byte
    [InlineData("0391A178", "Expected")]            // a string where the type number goes
    [InlineData("0491039100", "at least")]            // completion with too few elements
    public void MalformedFramesThrowTheProtocolException(string hex, string expected)
    {
        var input = new ReadOnlySequence<byte>(Convert.FromHexString(hex));
        var error = Assert.Throws<ImProtocolException>(() => _client.TryParse(ref input, out _));
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheFactoryKnowsBothProtocols()
    {
        Assert.Equal("messagepack", HubProtocols.Create("messagepack").Name);
        Assert.Equal("json", HubProtocols.Create("json").Name);
        Assert.Throws<ArgumentException>(() => HubProtocols.Create("xml"));
    }
}
