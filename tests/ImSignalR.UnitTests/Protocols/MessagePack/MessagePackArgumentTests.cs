using System.Buffers;
using ImSignalR.Contracts;
using ImSignalR.Hub.Protocols.MessagePack;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

/// <summary>
/// Arguments and values through the official protocol as the hub registers it. The hex inputs and
/// expected outputs were produced by @msgpack/msgpack 3.x encode() on the equivalent JS objects (the
/// encoder the official TS client uses), so they are what a browser sends and expects.
/// </summary>
public sealed class MessagePackArgumentTests
{
    // {clientMsgId:"c-1", toUserId:"u2", content:"hi", msgFormat:1, extra:{a:[1,2]}}
    private const string JsSendC2C = "85AB636C69656E744D73674964A3632D31A8746F557365724964A27532A7636F6E74656E74A26869A96D7367466F726D617401A5657874726181A161920102";
    private const string JsAck = "82A66D736749647392A131A132A6737461747573A452656164";
    private const string JsSync = "83A6636861744964A7635F75315F7532A86166746572536571CD012CA56C696D697432";
    // A message ends with groupId and mentions, both nil for C2C (a 14-entry map since group chat, SPEC §10).
    private const string JsMessageDto = "8EA56D73674964AD31323334353637383930313233AB636C69656E744D73674964A3632D31A6636861744964A7635F75315F7532A373657107AA66726F6D557365724964A27531A8746F557365724964A27532A7636F6E74656E74A568656C6C6FA96D7367466F726D617401A3657874C0A873656E6454696D65CF0000019AAB019900A673746174757301A8726563616C6C6564C2A767726F75704964C0A86D656E74696F6E73C0";
    private const string JsSyncResult = "83A86D65737361676573918EA56D73674964AD31323334353637383930313233AB636C69656E744D73674964A3632D31A6636861744964A7635F75315F7532A373657107AA66726F6D557365724964A27531A8746F557365724964A27532A7636F6E74656E74A568656C6C6FA96D7367466F726D617401A3657874C0A873656E6454696D65CF0000019AAB019900A673746174757301A8726563616C6C6564C2A767726F75704964C0A86D656E74696F6E73C0A76861734D6F7265C2AC6D617853657142794368617482A7635F75315F753207A7635F75315F7533CE00011170";
    private const string JsSendC2CResult = "85A56D73674964A23939A6636861744964A7635F75315F7532A373657108AA73657276657254696D65CF0000019AAB019901A96475706C6963617465C3";

    private static readonly FakeInvocationBinder Binder = new FakeInvocationBinder()
        .Method(HubMethods.SendC2C, typeof(SendRequest))
        .Method(HubMethods.Ack, typeof(AckRequest))
        .Method(HubMethods.SyncMessages, typeof(SyncRequest));

    private static ImMessage SampleMessage() => new()
    {
        MsgId = "1234567890123",
        ClientMsgId = "c-1",
        ChatId = "c_u1_u2",
        Seq = 7,
        FromUserId = "u1",
        ToUserId = "u2",
        Content = "hello",
        MsgFormat = 1,
        Ext = null,
        SendTime = 1763805600000,
        Status = 1,
    };

    private static HubMessage? Invoke(string target, byte[] argument) => Frames.ParseOne(Frames.Invocation(target, argument), Binder);

    private static T Bound<T>(string target, string argumentHex) =>
        Assert.IsType<T>(Assert.IsType<InvocationMessage>(Invoke(target, Hex.Bytes(argumentHex))).Arguments[0]);

    private static string Encode<T>(T value) => Hex.Of(MessagePackSerializer.Serialize(value, MessagePackWire.SerializerOptions));

    [Fact]
    public void SendC2CRequestBindsFromCamelCaseKeysAndSkipsUnknownOnes()
    {
        var request = Bound<SendRequest>(HubMethods.SendC2C, JsSendC2C);
        Assert.Equal(("c-1", "u2", "hi", 1, (string?)null), (request.ClientMsgId, request.ToUserId, request.Content, request.MsgFormat, request.Ext));
    }

    [Fact]
    public void NilMembersAnEmptyMapAndANilArgumentBindToNulls()
    {
        var request = Bound<SendRequest>(HubMethods.SendC2C, "82A7636F6E74656E74C0A96D7367466F726D6174C0");
        Assert.Null(request.Content);
        Assert.Null(request.MsgFormat);
        Assert.Null(Bound<SendRequest>(HubMethods.SendC2C, "80").ClientMsgId);
        Assert.Null(Assert.IsType<InvocationMessage>(Invoke(HubMethods.SendC2C, [0xC0])).Arguments[0]);
    }

    [Fact]
    public void AckRequestBindsItsIdListAndSyncRequestItsIntegersFromAnyWidth()
    {
        var ack = Bound<AckRequest>(HubMethods.Ack, JsAck);
        Assert.Equal(["1", "2"], ack.MsgIds!);
        Assert.Equal("Read", ack.Status);
        var sync = Bound<SyncRequest>(HubMethods.SyncMessages, JsSync);
        Assert.Equal(("c_u1_u2", 300L, 50), (sync.ChatId, sync.AfterSeq, sync.Limit));
    }

    [Fact]
    public void PascalCaseKeysAreNotTheWireNamesAndBindNothing()
    {
        // {"ClientMsgId":"x"}: the official resolver matches keys exactly (the JSON names), unlike the old codec.
        Assert.Null(Bound<SendRequest>(HubMethods.SendC2C, "81AB436C69656E744D73674964A178").ClientMsgId);
    }

    [Theory]
    [InlineData("81A96D7367466F726D6174A131")] // msgFormat: "1" — strings are not numbers
    [InlineData("81A96D7367466F726D6174CB3FF8000000000000")] // msgFormat: 1.5
    [InlineData("81A96D7367466F726D6174CF0000000100000000")] // msgFormat: 2^32 does not fit int
    [InlineData("81A7636F6E74656E742A")] // content: 42
    [InlineData("81A7636F6E74656E7480")] // content: {}
    [InlineData("A178")] // a string for the object
    [InlineData("92A178A179")] // an array for the object
    public void WrongValueTypesAreBindingFailuresWithoutAnImCode(string argumentHex)
    {
        var failure = Assert.IsType<InvocationBindingFailureMessage>(Invoke(HubMethods.SendC2C, Hex.Bytes(argumentHex)));
        Assert.Equal(("1", HubMethods.SendC2C), (failure.InvocationId, failure.Target));
        Assert.IsNotType<HubException>(failure.BindingFailure.SourceException);
    }

    [Theory]
    [InlineData("61C328FFFE62")] // a bad continuation, then bytes never valid in UTF-8
    [InlineData("61EDA08062")] // U+D800 encoded as UTF-8: a lone surrogate
    [InlineData("C0AF")] // an overlong '/'
    [InlineData("61E282")] // a sequence cut short by the end of the string
    public void InvalidUtf8InAStringIsRefusedWithImInvalidArgument(string badUtf8Hex)
    {
        var bad = Hex.Bytes(badUtf8Hex);
        // {content: <bad>}, {msgIds: [<bad>]} (a string inside a collection), {chatId: <bad>}
        byte[] content = [0x81, 0xA7, .. "content"u8, (byte)(0xA0 + bad.Length), .. bad];
        byte[] msgIds = [0x81, 0xA6, .. "msgIds"u8, 0x91, (byte)(0xA0 + bad.Length), .. bad];
        byte[] chatId = [0x81, 0xA6, .. "chatId"u8, (byte)(0xA0 + bad.Length), .. bad];

        foreach (var (target, argument) in new[] { (HubMethods.SendC2C, content), (HubMethods.Ack, msgIds), (HubMethods.SyncMessages, chatId) })
        {
            var failure = Assert.IsType<InvocationBindingFailureMessage>(Invoke(target, argument));
            var refusal = Assert.IsType<HubException>(failure.BindingFailure.SourceException);
            Assert.StartsWith("IM_INVALID_ARGUMENT: ", refusal.Message, StringComparison.Ordinal);
            Assert.Equal(target, failure.Target);
        }
    }

    [Fact]
    public void ValidMultiByteUtf8IsKeptExactlyEvenAcrossSegments()
    {
        const string text = "héllo 你好 😀";
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        byte[] argument = [0x81, 0xA7, .. "content"u8, 0xD9, (byte)utf8.Length, .. utf8];
        var framed = Frames.Invocation(HubMethods.SendC2C, argument);

        Assert.Equal(text, Assert.IsType<SendRequest>(Assert.IsType<InvocationMessage>(Frames.ParseOne(framed, Binder)).Arguments[0]).Content);
        var fragmented = Assert.IsType<InvocationMessage>(Frames.ParseOne(Hex.Fragmented(framed), Binder));
        Assert.Equal(text, Assert.IsType<SendRequest>(fragmented.Arguments[0]).Content);
    }

    [Fact]
    public void NestingDeeperThanTheLimitIsRefusedBeforeItIsWalked()
    {
        static byte[] Nested(int depth) => [.. Enumerable.Repeat((byte)0x91, depth), 0xC0];

        Assert.NotNull(MessagePackSerializer.Deserialize<object>(Nested(MessagePackWire.MaxDepth - 1), MessagePackWire.SerializerOptions));
        var error = Assert.Throws<MessagePackSerializationException>(() =>
            MessagePackSerializer.Deserialize<object>(Nested(MessagePackWire.MaxDepth + 1), MessagePackWire.SerializerOptions));
        Assert.Contains("depth", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DeepNestingInAnUnknownMemberIsSkippedWithoutRecursion()
    {
        // MessagePack skips an unknown member's value iteratively; on a 256 KB stack 20,000 levels would
        // overflow a recursive skip. The 32 KB receive limit bounds how much there is to skip.
        byte[] argument = [0x82, 0xA7, .. "content"u8, 0xA1, (byte)'x', 0xA5, .. "extra"u8, .. Enumerable.Repeat((byte)0x91, 20_000), 0xC0];
        HubMessage? message = null;
        var thread = new Thread(() => message = Invoke(HubMethods.SendC2C, argument), 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Equal("x", Assert.IsType<SendRequest>(Assert.IsType<InvocationMessage>(message).Arguments[0]).Content);
    }

    [Theory]
    [InlineData("01C1")] // a never-used byte where the array starts
    [InlineData("0192")] // an array of two, cut short inside the frame
    [InlineData("0180")] // a map, not an array
    [InlineData("0391A178")] // a string where the message type goes
    [InlineData("0491039100")] // a completion with too few elements
    [InlineData("FFFFFFFF0F")] // a length prefix over 2 GB
    [InlineData("0A9501800CA753656E6443324390")] // an int where the invocation id goes
    public void MalformedFramesThrowInvalidDataExceptionAsTheJsonProtocolDoes(string hex)
    {
        var input = new ReadOnlySequence<byte>(Hex.Bytes(hex));
        // The official parser throws InvalidDataException for some of these itself; the rest are rewrapped.
        Assert.Throws<InvalidDataException>(() => ImMessagePackHubProtocol.Create().TryParseMessage(ref input, Binder, out _));
    }

    [Fact]
    public void AnIncompleteFrameWaitsAndConsumesNothing()
    {
        var framed = Frames.Invocation(HubMethods.SendC2C, Hex.Bytes(JsSendC2C));
        var input = new ReadOnlySequence<byte>(framed[..^1]);
        Assert.False(ImMessagePackHubProtocol.Create().TryParseMessage(ref input, Binder, out _));
        Assert.Equal(framed.Length - 1, input.Length);
    }

    [Fact]
    public void ResultsAndPushesAreWrittenExactlyAsJsEncodesTheSameObjects()
    {
        Assert.Equal(JsMessageDto, Encode(SampleMessage()));
        Assert.Equal(JsSendC2CResult, Encode(new SendResult { MsgId = "99", ChatId = "c_u1_u2", Seq = 8, ServerTime = 1763805600001, Duplicate = true }));
        Assert.Equal(JsSyncResult, Encode(new SyncResult
        {
            Messages = [SampleMessage()],
            HasMore = false,
            MaxSeqByChat = new Dictionary<string, long> { ["c_u1_u2"] = 7, ["c_u1_u3"] = 70000 },
        }));

        // As the hub sends it: ReceiveC2C with the DTO as its one argument, no stream ids.
        var bytes = ImMessagePackHubProtocol.Create().GetMessageBytes(new InvocationMessage(HubMethods.ReceiveC2C, [SampleMessage()]));
        Assert.EndsWith(Hex.Of(Hex.Bytes("AA52656365697665433243 91" + JsMessageDto + "90")), Hex.Of(bytes.Span), StringComparison.Ordinal);
    }
}
