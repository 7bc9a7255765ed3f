using System.Buffers;
using ImSignalR.Infrastructure.Protocols.MessagePack;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using MessagePackHubProtocol = ImSignalR.Infrastructure.Protocols.MessagePack.MessagePackHubProtocol;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

public sealed class MessagePackHubProtocolTests
{
    private static readonly MessagePackHubProtocol Protocol = new();

    private static readonly FakeInvocationBinder Binder = new FakeInvocationBinder()
        .Method("method", typeof(int))
        .Returns("xyz", typeof(int))
        .StreamItem("xyz", typeof(int));

    internal static byte[] Frame(string payloadHex)
    {
        var payload = Hex.Bytes(payloadHex);
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

    internal static HubMessage? ParseOne(byte[] framed, IInvocationBinder binder)
    {
        var input = new ReadOnlySequence<byte>(framed);
        var parsed = Protocol.TryParseMessage(ref input, binder, out var message);
        Assert.True(input.IsEmpty, "the whole frame is consumed");
        return parsed ? message : null;
    }

    private static string WritePayload(HubMessage message)
    {
        var output = new ArrayBufferWriter<byte>();
        Protocol.WriteMessage(message, output);
        var framed = output.WrittenSpan.ToArray();
        Assert.Equal(framed, Protocol.GetMessageBytes(message).ToArray());
        var input = new ReadOnlySequence<byte>(framed);
        Assert.True(Infrastructure.Protocols.MessagePack.Codec.VarIntFraming.TryReadLength(input, out var length, out var prefix));
        Assert.Equal(framed.Length - prefix, length);
        return Hex.Of(framed.AsSpan(prefix));
    }

    [Fact]
    public void ProtocolIdentity()
    {
        Assert.Equal("messagepack", Protocol.Name);
        Assert.Equal(2, Protocol.Version);
        Assert.Equal(TransferFormat.Binary, Protocol.TransferFormat);
        Assert.True(Protocol.IsVersionSupported(1));
        Assert.True(Protocol.IsVersionSupported(2));
        Assert.False(Protocol.IsVersionSupported(3));
    }

    [Fact]
    public void SpecInvocationRoundTripsExactly()
    {
        const string hex = "9601 80 A378797A A66D6574686F64 912A 90";
        var message = Assert.IsType<InvocationMessage>(ParseOne(Frame(hex), Binder));
        Assert.Equal("xyz", message.InvocationId);
        Assert.Equal("method", message.Target);
        Assert.Equal([42], message.Arguments);
        Assert.Null(message.StreamIds);
        Assert.Equal(Hex.Of(Hex.Bytes(hex)), WritePayload(message));
    }

    [Fact]
    public void SpecNonBlockingInvocationRoundTripsExactly()
    {
        const string hex = "9601 80 C0 A66D6574686F64 912A 90";
        var message = Assert.IsType<InvocationMessage>(ParseOne(Frame(hex), Binder));
        Assert.Null(message.InvocationId);
        Assert.Equal(Hex.Of(Hex.Bytes(hex)), WritePayload(message));
    }

    [Fact]
    public void FiveElementInvocationFromTheTsClientAndEmptyIdAreAccepted()
    {
        var message = Assert.IsType<InvocationMessage>(ParseOne(Frame("9501 80 A0 A66D6574686F64 912A"), Binder));
        Assert.Null(message.InvocationId);
        Assert.Equal([42], message.Arguments);
        Assert.Equal("9601 80 C0 A66D6574686F64 912A 90".Replace(" ", "", StringComparison.Ordinal), WritePayload(message));
    }

    [Fact]
    public void InvocationWithHeadersAndStreamIdsRoundTrips()
    {
        const string hex = "9601 81A3666F6FA3626172 A378797A A66D6574686F64 912A 92A131A132";
        var message = Assert.IsType<InvocationMessage>(ParseOne(Frame(hex), Binder));
        Assert.Equal("bar", message.Headers!["foo"]);
        Assert.Equal(new[] { "1", "2" }, message.StreamIds!);
        Assert.Equal(Hex.Of(Hex.Bytes(hex)), WritePayload(message));
    }

    [Fact]
    public void ExtraTrailingElementsAreIgnored()
    {
        var message = Assert.IsType<InvocationMessage>(ParseOne(Frame("9801 80 A378797A A66D6574686F64 912A 90 C3 82A161C0A162C0"), Binder));
        Assert.Equal([42], message.Arguments);
        var ping = ParseOne(Frame("9306 C0 A178"), Binder);
        Assert.IsType<PingMessage>(ping);
    }

    [Fact]
    public void SpecStreamInvocationStreamItemAndCancelRoundTripExactly()
    {
        const string streamInvocation = "9604 80 A378797A A66D6574686F64 912A 90";
        Assert.IsType<StreamInvocationMessage>(ParseOne(Frame(streamInvocation), Binder));
        Assert.Equal(Hex.Of(Hex.Bytes(streamInvocation)), WritePayload(ParseOne(Frame(streamInvocation), Binder)!));

        const string streamItem = "9402 80 A378797A 2A";
        var item = Assert.IsType<StreamItemMessage>(ParseOne(Frame(streamItem), Binder));
        Assert.Equal(42, item.Item);
        Assert.Equal(Hex.Of(Hex.Bytes(streamItem)), WritePayload(item));

        const string cancel = "9305 80 A378797A";
        var cancelMessage = Assert.IsType<CancelInvocationMessage>(ParseOne(Frame(cancel), Binder));
        Assert.Equal("xyz", cancelMessage.InvocationId);
        Assert.Equal(Hex.Of(Hex.Bytes(cancel)), WritePayload(cancelMessage));
    }

    [Theory]
    [InlineData("9403 80 A378797A 02", null, null, false)]
    [InlineData("9503 80 A378797A 03 2A", null, 42, true)]
    [InlineData("9503 80 A378797A 01 A54572726F72", "Error", null, false)]
    public void SpecCompletionsRoundTripExactly(string hex, string? error, object? result, bool hasResult)
    {
        var message = Assert.IsType<CompletionMessage>(ParseOne(Frame(hex), Binder));
        Assert.Equal("xyz", message.InvocationId);
        Assert.Equal(error, message.Error);
        Assert.Equal(result, message.Result);
        Assert.Equal(hasResult, message.HasResult);
        Assert.Equal(Hex.Of(Hex.Bytes(hex)), WritePayload(message));
    }

    [Fact]
    public void CompletionResultOfTheWrongTypeBecomesAnErrorCompletion()
    {
        var message = Assert.IsType<CompletionMessage>(ParseOne(Frame("9503 80 A378797A 03 A178"), Binder));
        Assert.False(message.HasResult);
        Assert.StartsWith("Error trying to deserialize result to Int32.", message.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void CompletionForAnUnknownInvocationSkipsTheResult()
    {
        var message = Assert.IsType<CompletionMessage>(ParseOne(Frame("9503 80 A3616263 03 92A178A179"), Binder));
        Assert.True(message.HasResult);
        Assert.Null(message.Result);
    }

    [Fact]
    public void InvalidCompletionKindIsAProtocolError() =>
        Assert.Throws<InvalidDataException>(() => ParseOne(Frame("9503 80 A378797A 04 2A"), Binder));

    [Fact]
    public void SpecPingIsExactly9106()
    {
        Assert.IsType<PingMessage>(ParseOne(Frame("9106"), Binder));
        Assert.Equal("9106", WritePayload(PingMessage.Instance));
        Assert.Equal(Hex.Bytes("02 91 06"), Protocol.GetMessageBytes(PingMessage.Instance).ToArray());
    }

    [Fact]
    public void SpecCloseWithTwoOrThreeElementsIsReadAndWrittenWithThree()
    {
        var two = Assert.IsType<CloseMessage>(ParseOne(Frame("9207 A378797A"), Binder));
        Assert.Equal("xyz", two.Error);
        Assert.False(two.AllowReconnect);
        Assert.Equal("9307A378797AC2", WritePayload(two));

        const string three = "9307 A378797A C3";
        var withReconnect = Assert.IsType<CloseMessage>(ParseOne(Frame(three), Binder));
        Assert.True(withReconnect.AllowReconnect);
        Assert.Equal(Hex.Of(Hex.Bytes(three)), WritePayload(withReconnect));

        var empty = Assert.IsType<CloseMessage>(ParseOne(Frame("9207C0"), Binder));
        Assert.Null(empty.Error);
        Assert.Equal("9307C0C2", WritePayload(empty));
    }

    [Theory]
    [InlineData("9208CC24", 0x24L)]
    [InlineData("920824", 0x24L)]
    [InlineData("9208CD0102", 258L)]
    [InlineData("9208CF0000000100000000", 4294967296L)]
    [InlineData("9208D30000000000000024", 0x24L)]
    public void AckAcceptsAnyIntegerWidth(string hex, long sequenceId) =>
        Assert.Equal(sequenceId, Assert.IsType<AckMessage>(ParseOne(Frame(hex), Binder)).SequenceId);

    // The spec's examples spell small ids as uint8 (CC 24); the official server writes the shortest form
    // (MessagePack-CSharp's Write(long) gives the fixint 24), and so do we: the spec bytes parse, and the
    // written form is the official server's, which round-trips exactly.
    [Fact]
    public void SpecAckAndSequenceParseAndAreWrittenInTheShortestFormAsTheOfficialServerDoes()
    {
        Assert.Equal("920824", WritePayload(Assert.IsType<AckMessage>(ParseOne(Frame("9208CC24"), Binder))));
        Assert.Equal("920824", WritePayload(Assert.IsType<AckMessage>(ParseOne(Frame("920824"), Binder))));
        var sequence = Assert.IsType<SequenceMessage>(ParseOne(Frame("9209CC13"), Binder));
        Assert.Equal(0x13, sequence.SequenceId);
        Assert.Equal("920913", WritePayload(sequence));
        Assert.Equal("9209CD1394", WritePayload(new SequenceMessage(0x1394)));
    }

    [Fact]
    public void UnknownMessageTypeIsConsumedAndTheNextFrameIsReturned()
    {
        var input = new ReadOnlySequence<byte>([.. Frame("93 63 A178 C3"), .. Frame("9106")]);
        Assert.True(Protocol.TryParseMessage(ref input, Binder, out var message));
        Assert.IsType<PingMessage>(message);
        Assert.True(input.IsEmpty);

        var alone = new ReadOnlySequence<byte>(Frame("92 0A C0"));
        Assert.False(Protocol.TryParseMessage(ref alone, Binder, out _));
        Assert.True(alone.IsEmpty);
    }

    [Fact]
    public void SeveralFramesInOneBufferParseOneAtATimeAndPartialFramesWait()
    {
        byte[] bytes = [.. Frame("9106"), .. Frame("9208CC24"), .. Frame("9209CC13")];
        var input = new ReadOnlySequence<byte>(bytes[..^1]);
        Assert.True(Protocol.TryParseMessage(ref input, Binder, out var first));
        Assert.IsType<PingMessage>(first);
        Assert.True(Protocol.TryParseMessage(ref input, Binder, out var second));
        Assert.IsType<AckMessage>(second);
        var before = input.Length;
        Assert.False(Protocol.TryParseMessage(ref input, Binder, out _));
        Assert.Equal(before, input.Length);
    }

    [Fact]
    public void FramesSplitIntoOneByteSegmentsParse()
    {
        var input = Hex.Fragmented(Frame("9601 81A3666F6FA3626172 A378797A A66D6574686F64 912A 92A131A132"));
        Assert.True(Protocol.TryParseMessage(ref input, Binder, out var message));
        Assert.Equal(new[] { "1", "2" }, Assert.IsType<InvocationMessage>(message).StreamIds!);
    }

    [Theory]
    [InlineData("35", 53L, 1)]
    [InlineData("8029", 5248L, 2)]
    [InlineData("FFFFFFFF07", 0x7FFFFFFFL, 5)]
    public void VarIntExamplesFromTheSpec(string hex, long expected, int prefixLength)
    {
        Assert.True(Infrastructure.Protocols.MessagePack.Codec.VarIntFraming.TryReadLength(
            new ReadOnlySequence<byte>(Hex.Bytes(hex)), out var length, out var prefix));
        Assert.Equal(expected, length);
        Assert.Equal(prefixLength, prefix);
        Span<byte> written = stackalloc byte[5];
        Assert.Equal(hex, Hex.Of(written[..Infrastructure.Protocols.MessagePack.Codec.VarIntFraming.WriteLength(written, (int)expected)]));
    }

    [Theory]
    [InlineData("FFFFFFFF08")]
    [InlineData("FFFFFFFF80")]
    [InlineData("FFFFFFFFFF00")]
    [InlineData("8000")]
    [InlineData("FF8000")]
    public void OverlongOrOver2GbLengthPrefixesAreRejected(string hex)
    {
        var input = new ReadOnlySequence<byte>(Hex.Bytes(hex));
        Assert.Throws<MessagePackProtocolException>(() => Protocol.TryParseMessage(ref input, Binder, out _));
    }

    [Fact]
    public void DeclaredLengthAboveTheLimitFailsBeforeBuffering()
    {
        var input = new ReadOnlySequence<byte>(Hex.Bytes("FFFFFFFF07 96"));
        var ex = Assert.Throws<MessagePackProtocolException>(() => Protocol.TryParseMessage(ref input, Binder, out _));
        Assert.Contains("exceeds the limit", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("80")]
    [InlineData("8080")]
    [InlineData("0596")]
    public void IncompleteFramesReturnFalseAndConsumeNothing(string hex)
    {
        var input = new ReadOnlySequence<byte>(Hex.Bytes(hex));
        Assert.False(Protocol.TryParseMessage(ref input, Binder, out _));
        Assert.Equal(hex.Length / 2, input.Length);
    }

    [Theory]
    [InlineData("90")]
    [InlineData("9401 80 A378797A")]
    [InlineData("9601 80 A378797A A0 912A 90")]
    [InlineData("9601 80 A378797A 2A 912A 90")]
    [InlineData("9604 80 C0 A66D6574686F64 912A 90")]
    [InlineData("9402 80 C0 2A")]
    [InlineData("9403 80 A0 02")]
    [InlineData("9305 80 C0")]
    [InlineData("9601 81A0A162 A378797A A66D6574686F64 912A 90")]
    [InlineData("9601 81A161C0 A378797A A66D6574686F64 912A 90")]
    [InlineData("9601 C0 A378797A A66D6574686F64 912A 90")]
    [InlineData("9601 80 A378797A A66D6574686F64 2A 90")]
    [InlineData("9601 80 A378797A A66D6574686F64 912A 91A0")]
    [InlineData("9307 C0 2A")]
    [InlineData("9208 A0")]
    [InlineData("9403 80 A378797A")]
    [InlineData("A0")]
    [InlineData("91A0")]
    [InlineData("9601 80 A378797A A66D6574686F64 92")]
    public void MalformedMessagesAreProtocolErrors(string hex)
    {
        var ex = Record.Exception(() => ParseOne(Frame(hex), Binder));
        Assert.True(ex is InvalidDataException or MessagePackProtocolException, $"got {ex?.GetType().Name ?? "no exception"}");
    }

    [Fact]
    public void UnknownTargetIsABindingFailureNotADroppedConnection()
    {
        var message = Assert.IsType<InvocationBindingFailureMessage>(ParseOne(Frame("9601 80 A378797A A3666F6F 912A 90"), Binder));
        Assert.Equal("xyz", message.InvocationId);
        Assert.Equal("foo", message.Target);
        Assert.IsType<HubException>(message.BindingFailure.SourceException);
    }

    [Fact]
    public void WrongArgumentCountIsABindingFailure()
    {
        var message = Assert.IsType<InvocationBindingFailureMessage>(ParseOne(Frame("9601 80 A378797A A66D6574686F64 922A2A 90"), Binder));
        Assert.Equal("Invocation provides 2 argument(s) but target expects 1.", message.BindingFailure.SourceException.Message);
    }

    [Theory]
    [InlineData("A132")]
    [InlineData("CB3FF8000000000000")]
    [InlineData("CF0000000100000000")]
    [InlineData("C0")]
    [InlineData("90")]
    public void WrongArgumentTypeIsABindingFailure(string argumentHex)
    {
        var message = Assert.IsType<InvocationBindingFailureMessage>(
            ParseOne(Frame($"9601 80 A378797A A66D6574686F64 91{argumentHex} 90"), Binder));
        Assert.StartsWith("Error binding argument 1.", message.BindingFailure.SourceException.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamItemOfTheWrongTypeIsAStreamBindingFailure()
    {
        var message = Assert.IsType<StreamBindingFailureMessage>(ParseOne(Frame("9402 80 A378797A A178"), Binder));
        Assert.Equal("xyz", message.Id);
    }

    [Fact]
    public void MalformedBytesInsideArgumentsStayProtocolErrors() =>
        Assert.Throws<MessagePackProtocolException>(() => ParseOne(Frame("9601 80 A378797A A66D6574686F64 91C1 90"), Binder));
}
