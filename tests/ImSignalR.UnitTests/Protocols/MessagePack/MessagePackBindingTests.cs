using System.Buffers;
using ImSignalR.Domain.Contracts;
using ImSignalR.Domain.Messaging;
using ImSignalR.Infrastructure.Protocols.MessagePack;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;
using ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;
using Microsoft.AspNetCore.SignalR.Protocol;
using MessagePackHubProtocol = ImSignalR.Infrastructure.Protocols.MessagePack.MessagePackHubProtocol;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

/// <summary>Argument binding and value writing with the hub's real DTOs. The hex inputs and expected
/// outputs were produced by @msgpack/msgpack 3.x encode() on the equivalent JS objects (the encoder the
/// official TS client uses), so they are what a browser sends and expects.</summary>
public sealed class MessagePackBindingTests
{
    private const string JsSendC2C = "85AB636C69656E744D73674964A3632D31A8746F557365724964A27532A7636F6E74656E74A26869A96D7367466F726D617401A5657874726181A161920102";
    private const string JsAck = "82A66D736749647392A131A132A6737461747573A452656164";
    private const string JsSync = "83A6636861744964A7635F75315F7532A86166746572536571CD012CA56C696D697432";
    private const string JsMessageDto = "8BA56D73674964AD31323334353637383930313233AB636C69656E744D73674964A3632D31A6636861744964A7635F75315F7532A373657107AA66726F6D557365724964A27531A8746F557365724964A27532A7636F6E74656E74A568656C6C6FA96D7367466F726D617401A3657874C0A873656E6454696D65CF0000019AAB019900A673746174757301";
    private const string JsSyncResult = "83A86D65737361676573918BA56D73674964AD31323334353637383930313233AB636C69656E744D73674964A3632D31A6636861744964A7635F75315F7532A373657107AA66726F6D557365724964A27531A8746F557365724964A27532A7636F6E74656E74A568656C6C6FA96D7367466F726D617401A3657874C0A873656E6454696D65CF0000019AAB019900A673746174757301A76861734D6F7265C2AC6D617853657142794368617482A7635F75315F753207A7635F75315F7533CE00011170";
    private const string JsSendC2CResult = "85A56D73674964A23939A6636861744964A7635F75315F7532A373657108AA73657276657254696D65CF0000019AAB019901A96475706C6963617465C3";

    private static readonly FakeInvocationBinder Binder = new FakeInvocationBinder()
        .Method(HubMethods.SendC2C, typeof(SendC2CRequest))
        .Method(HubMethods.Ack, typeof(AckRequest))
        .Method(HubMethods.SyncMessages, typeof(SyncRequest))
        .Method("Everything", typeof(Everything));

    private static MessageDto SampleMessage() => new()
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

    private static HubMessage? Invoke(string target, string argumentHex)
    {
        var targetHex = Hex.Of(System.Text.Encoding.UTF8.GetBytes(target));
        var payload = $"9601 80 A131 {0xA0 + target.Length:X2}{targetHex} 91{argumentHex} 90";
        return MessagePackHubProtocolTests.ParseOne(MessagePackHubProtocolTests.Frame(payload), Binder);
    }

    private static T Bound<T>(string target, string argumentHex) =>
        Assert.IsType<T>(Assert.IsType<InvocationMessage>(Invoke(target, argumentHex)).Arguments[0]);

    private static string Encode<T>(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        MessagePackConverters.Get<T>().Write(ref writer, value);
        return Hex.Of(buffer.WrittenSpan);
    }

    private static T Decode<T>(string hex)
    {
        var reader = new MessagePackReader(new ReadOnlySequence<byte>(Hex.Bytes(hex)));
        var value = MessagePackConverters.Get<T>().Read(ref reader);
        Assert.True(reader.End);
        return value;
    }

    [Fact]
    public void SendC2CRequestBindsFromCamelCaseKeysAndSkipsUnknownOnes()
    {
        var request = Bound<SendC2CRequest>(HubMethods.SendC2C, JsSendC2C);
        Assert.Equal("c-1", request.ClientMsgId);
        Assert.Equal("u2", request.ToUserId);
        Assert.Equal("hi", request.Content);
        Assert.Equal(1, request.MsgFormat);
        Assert.Null(request.Ext);
    }

    [Fact]
    public void KeysAreMatchedIgnoringCase()
    {
        // {"ClientMsgId":"x","TOUSERID":"u9","msgformat":100}
        var request = Bound<SendC2CRequest>(HubMethods.SendC2C, "83AB436C69656E744D73674964A178A8544F555345524944A27539A96D7367666F726D617464");
        Assert.Equal("x", request.ClientMsgId);
        Assert.Equal("u9", request.ToUserId);
        Assert.Equal(100, request.MsgFormat);
    }

    [Fact]
    public void NilMembersAndAnEmptyMapBindToNulls()
    {
        var request = Bound<SendC2CRequest>(HubMethods.SendC2C, "82A7636F6E74656E74C0A96D7367466F726D6174C0");
        Assert.Null(request.Content);
        Assert.Null(request.MsgFormat);
        Assert.Null(Bound<SendC2CRequest>(HubMethods.SendC2C, "80").ClientMsgId);
    }

    [Fact]
    public void NilArgumentBindsToNull() =>
        Assert.Null(Assert.IsType<InvocationMessage>(Invoke(HubMethods.SendC2C, "C0")).Arguments[0]);

    [Fact]
    public void AckRequestBindsItsIdList()
    {
        var request = Bound<AckRequest>(HubMethods.Ack, JsAck);
        Assert.Equal(["1", "2"], request.MsgIds!);
        Assert.Equal("Read", request.Status);
    }

    [Fact]
    public void SyncRequestBindsNullableIntegersFromAnyWidth()
    {
        var request = Bound<SyncRequest>(HubMethods.SyncMessages, JsSync);
        Assert.Equal("c_u1_u2", request.ChatId);
        Assert.Equal(300, request.AfterSeq);
        Assert.Equal(50, request.Limit);
    }

    [Theory]
    [InlineData("81A96D7367466F726D6174A131")] // msgFormat: "1" — strings are not numbers
    [InlineData("81A96D7367466F726D6174CB3FF8000000000000")] // msgFormat: 1.5
    [InlineData("81A96D7367466F726D6174CF0000000100000000")] // msgFormat: 2^32 does not fit int
    [InlineData("81A7636F6E74656E742A")] // content: 42
    [InlineData("81A7636F6E74656E7480")] // content: {}
    [InlineData("812AA178")] // an int key
    [InlineData("A178")] // a string for the object
    [InlineData("92A178A179")] // an array for the object
    public void WrongValueTypesAreBindingFailures(string argumentHex)
    {
        var failure = Assert.IsType<InvocationBindingFailureMessage>(Invoke(HubMethods.SendC2C, argumentHex));
        Assert.Equal("1", failure.InvocationId);
        Assert.Equal(HubMethods.SendC2C, failure.Target);
        Assert.IsType<MessagePackBindingException>(failure.BindingFailure.SourceException.InnerException);
    }

    [Fact]
    public void MessageDtoIsWrittenWithCamelCaseKeysExactlyAsJsEncodesTheSameObject() =>
        Assert.Equal(JsMessageDto, Encode(SampleMessage()));

    [Fact]
    public void SendC2CResultIsWrittenAsJsEncodesIt() =>
        Assert.Equal(JsSendC2CResult, Encode(new SendC2CResult
        {
            MsgId = "99", ChatId = "c_u1_u2", Seq = 8, ServerTime = 1763805600001, Duplicate = true,
        }));

    [Fact]
    public void SyncResultWithItsDictionaryIsWrittenAsJsEncodesIt()
    {
        var result = new SyncResult
        {
            Messages = [SampleMessage()],
            HasMore = false,
            MaxSeqByChat = new Dictionary<string, long> { ["c_u1_u2"] = 7, ["c_u1_u3"] = 70000 },
        };
        Assert.Equal(JsSyncResult, Encode(result));
        // The runtime-type path used for invocation arguments and results writes the same bytes.
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        MessagePackConverters.Get(typeof(object)).WriteObject(ref writer, result);
        Assert.Equal(JsSyncResult, Hex.Of(buffer.WrittenSpan));
    }

    [Fact]
    public void OutputDtosReadBackIncludingRequiredMembersAndTheDictionary()
    {
        var result = Decode<SyncResult>(JsSyncResult);
        Assert.False(result.HasMore);
        Assert.Equal(70000, result.MaxSeqByChat["c_u1_u3"]);
        var message = Assert.Single(result.Messages);
        Assert.Equal("1234567890123", message.MsgId);
        Assert.Equal(1763805600000, message.SendTime);
        Assert.Null(message.Ext);
    }

    [Fact]
    public void MissingRequiredMemberIsABindingFailure()
    {
        // {"msgId":"99"} for SendC2CResult, whose members are all required.
        var ex = Assert.Throws<MessagePackBindingException>(() => Decode<SendC2CResult>("81A56D73674964A23939"));
        Assert.Contains("chatId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReceiveC2CInvocationCarriesTheDtoAsACamelCaseMap()
    {
        var protocol = new MessagePackHubProtocol();
        var bytes = protocol.GetMessageBytes(new InvocationMessage(HubMethods.ReceiveC2C, [SampleMessage()]));
        var expected = "9601 80 C0 AA52656365697665433243 91" + JsMessageDto + "90";
        Assert.EndsWith(Hex.Of(Hex.Bytes(expected)), Hex.Of(bytes.Span), StringComparison.Ordinal);
    }

    public enum Color
    {
        Red,
        DarkBlue,
    }

    public sealed class Nested
    {
        public required string Name { get; init; }
        public Nested? Child { get; init; }
    }

    public sealed class Everything
    {
        public bool Flag { get; init; }
        public byte U8 { get; init; }
        public sbyte I8 { get; init; }
        public short I16 { get; init; }
        public ushort U16 { get; init; }
        public uint U32 { get; init; }
        public ulong U64 { get; init; }
        public long? MaybeLong { get; init; }
        public double Real { get; init; }
        public float Single { get; init; }
        public Color Color { get; init; }
        public MessageStatus? Status { get; init; }
        public int[]? Numbers { get; init; }
        public List<string>? Names { get; init; }
        public IReadOnlyCollection<long>? Longs { get; init; }
        public IReadOnlyDictionary<string, int>? Counts { get; init; }
        public Dictionary<string, Nested>? ByName { get; init; }
        public DateTime When { get; init; }
        public byte[]? Blob { get; init; }
        public object? Anything { get; init; }
        public Nested? Tree { get; init; }
        public decimal Money { get; init; }
        public Guid Id { get; init; }
        public string ReadOnly => "computed";
    }

    [Fact]
    public void EverySupportedMemberTypeRoundTrips()
    {
        var value = new Everything
        {
            Flag = true, U8 = 255, I8 = -128, I16 = -30000, U16 = 65535, U32 = uint.MaxValue, U64 = ulong.MaxValue,
            MaybeLong = long.MinValue, Real = 0.25, Single = 1.5f, Color = Color.DarkBlue, Status = MessageStatus.Read,
            Numbers = [1, -1, 1000], Names = ["a", "b"], Longs = [5L], Counts = new Dictionary<string, int> { ["x"] = 1 },
            ByName = new Dictionary<string, Nested> { ["n"] = new() { Name = "n" } },
            When = new DateTime(2026, 11, 22, 10, 0, 0, 123, DateTimeKind.Utc), Blob = [1, 2, 3],
            Anything = new object?[] { 1, "two", null, new Dictionary<object, object?> { ["k"] = true } },
            Tree = new Nested { Name = "root", Child = new Nested { Name = "leaf" } },
            Money = 12.34m, Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        };
        var hex = Encode(value);
        Assert.Contains("A8" + Hex.Of("DarkBlue"u8), hex, StringComparison.Ordinal); // enum by name
        Assert.Contains(Hex.Of("readOnly"u8), hex, StringComparison.Ordinal); // get-only members are written
        var back = Decode<Everything>(hex);
        Assert.Equal(Encode(value), Encode(back));
        Assert.Equal(Color.DarkBlue, back.Color);
        Assert.Equal(value.When, back.When);
        Assert.Equal(DateTimeKind.Utc, back.When.Kind);
        Assert.Equal("leaf", back.Tree!.Child!.Name);
        var anything = Assert.IsType<object?[]>(back.Anything);
        Assert.Equal(1, anything[0]);
        Assert.Equal("two", anything[1]);
        Assert.True((bool)Assert.IsType<Dictionary<object, object?>>(anything[3])["k"]!);
    }

    [Fact]
    public void EnumsBindFromNamesIgnoringCaseButNotFromNumbers()
    {
        Assert.Equal(Color.DarkBlue, Decode<Color>("A86461726B626C7565"));
        Assert.Throws<MessagePackBindingException>(() => Decode<Color>("A131"));
        Assert.Throws<MessagePackBindingException>(() => Decode<Color>("01"));
        Assert.Throws<MessagePackBindingException>(() => Decode<Color>("A5477265656E"));
    }

    [Fact]
    public void DoublesAcceptIntegersButIntegersRejectFloats()
    {
        Assert.Equal(3.0, Decode<double>("03"));
        Assert.Equal(-3.0f, Decode<float>("D0FD"));
        Assert.Throws<MessagePackBindingException>(() => Decode<int>("CB4008000000000000"));
        Assert.Throws<MessagePackBindingException>(() => Decode<byte>("CD0100"));
        Assert.Throws<MessagePackBindingException>(() => Decode<uint>("FF"));
    }

    [Fact]
    public void JsDateBindsToDateTime() =>
        Assert.Equal(new DateTime(2026, 11, 22, 10, 0, 0, 123, DateTimeKind.Utc), Decode<DateTime>("D7FF1D5353006B02BD20"));

    [Fact]
    public void SelfReferencingObjectsFailToWriteInsteadOfOverflowingTheStack()
    {
        var node = new Loop();
        node.Next = node;
        Assert.Throws<MessagePackProtocolException>(() => Encode(node));
    }

    [Fact]
    public void DeeplyNestedInputIsRejectedByTheDepthLimit()
    {
        // {"child": {"child": ... 100 levels
        var hex = string.Concat(Enumerable.Repeat("81A56368696C64", 100)) + "C0";
        Assert.Throws<MessagePackProtocolException>(() => Decode<Loop>(hex));
    }

    public sealed class Renamed
    {
        [System.Text.Json.Serialization.JsonPropertyName("id")]
        public string? MessageIdentifier { get; init; }

        [System.Text.Json.Serialization.JsonIgnore]
        public string? Secret { get; init; }
    }

    [Fact]
    public void JsonPropertyNameAndJsonIgnoreAreHonouredLikeTheJsonProtocol()
    {
        Assert.Equal("81A26964A178", Encode(new Renamed { MessageIdentifier = "x", Secret = "s" }));
        var back = Decode<Renamed>("82A26964A178A6736563726574A173");
        Assert.Equal("x", back.MessageIdentifier);
        Assert.Null(back.Secret);
    }

    public sealed class Loop
    {
        public Loop? Next { get; set; }
        public Loop? Child { get; set; }
    }
}
