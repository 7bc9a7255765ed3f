using System.Buffers;
using System.Text;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.UnitTests.RocketMq;

/// <summary>Frames captured from real 5.2.0 servers and Java clients (protocol doc §1.1, §1.2).</summary>
public class RemotingCodecTests
{
    private const string RouteRequestHeader =
        """{"code":105,"extFields":{"topic":"TeZ_Test_Lng"},"flag":0,"language":"JAVA","opaque":0,"serializeTypeCurrentRPC":"JSON","version":453}""";

    private const string SuccessResponseHeader =
        """{"code":0,"flag":1,"language":"JAVA","opaque":0,"serializeTypeCurrentRPC":"JSON","version":453}""";

    private const string SendRequestHeader =
        """{"code":310,"extFields":{"a":"R01_producer_123","b":"TeZ_Test_Lng","c":"TBW102","d":"4","e":"0","f":"0","g":"1749883778686","h":"0","i":"UNIQ_KEY\u00012400DD02100800152B2B7D0419D6DD5E9EFC18B4AAC246212A7D0000\u0002WAIT\u0001true\u0002TAGS\u0001*\u0002","j":"0","k":"false","m":"false","n":"broker-a"},"flag":0,"language":"JAVA","opaque":2,"serializeTypeCurrentRPC":"JSON","version":453}""";

    private const string SendResponseHeader =
        """{"code":0,"extFields":{"queueId":"0","transactionId":"2400DD02100800152B2B7D0419D6DD5E9EFC18B4AAC246212A7D0000","msgId":"0A02037500002A9F0000000001EC18FC","TRACE_ON":"true","MSG_REGION":"DefaultRegion","queueOffset":"0"},"flag":1,"language":"JAVA","opaque":2,"serializeTypeCurrentRPC":"JSON","version":453}""";

    private static readonly byte[] BinarySuccess =
        Convert.FromHexString("0000001901000015" + "0000" + "00" + "0175" + "00000627" + "00000001" + "00000000" + "00000000");

    [Fact]
    public void RouteRequestEncodesToTheCapturedJavaFrame()
    {
        var command = RemotingCommand.CreateRequest(105, new() { ["topic"] = "TeZ_Test_Lng" });
        command.Language = "JAVA";
        command.Opaque = 0;

        var frame = RemotingCodec.ToArray(command);

        Assert.Equal("0000008A00000086", Convert.ToHexString(frame, 0, 8));
        Assert.Equal(RouteRequestHeader, Encoding.UTF8.GetString(frame, 8, frame.Length - 8));
    }

    [Theory]
    [InlineData(RouteRequestHeader)]
    [InlineData(SuccessResponseHeader)]
    [InlineData(SendRequestHeader)]
    [InlineData(SendResponseHeader)]
    public void CapturedJsonFramesRoundTripByteForByte(string header)
    {
        var captured = JsonFrame(header, body: []);

        var command = ReadSingle(captured);
        var reencoded = RemotingCodec.ToArray(command);

        Assert.Equal(Convert.ToHexString(captured), Convert.ToHexString(reencoded));
    }

    [Fact]
    public void CapturedSendRequestDecodesItsSingleLetterFieldsAndSeparators()
    {
        var command = ReadSingle(JsonFrame(SendRequestHeader, Encoding.UTF8.GetBytes("hello")));

        Assert.Equal(310, command.Code);
        Assert.Equal(2, command.Opaque);
        Assert.False(command.IsResponse);
        Assert.Equal("broker-a", command.GetExt("n"));
        Assert.Equal("UNIQ_KEY\u00012400DD02100800152B2B7D0419D6DD5E9EFC18B4AAC246212A7D0000\u0002WAIT\u0001true\u0002TAGS\u0001*\u0002", command.GetExt("i"));
        Assert.Equal("hello", Encoding.UTF8.GetString(command.Body.Span));
    }

    [Fact]
    public void CapturedSendResponseKeepsTheBrokersFieldOrder()
    {
        var command = ReadSingle(JsonFrame(SendResponseHeader, []));

        Assert.True(command.IsResponse);
        Assert.Equal(["queueId", "transactionId", "msgId", "TRACE_ON", "MSG_REGION", "queueOffset"], command.ExtFields!.Keys);
        Assert.Equal("0A02037500002A9F0000000001EC18FC", command.GetExt("msgId"));
    }

    [Fact]
    public void CapturedBinarySuccessDecodes()
    {
        var command = ReadSingle(BinarySuccess);

        Assert.Equal(RemotingSerializeType.RocketMq, command.SerializeType);
        Assert.Equal(0, command.Code);
        Assert.Equal("JAVA", command.Language);
        Assert.Equal(373, command.Version);
        Assert.Equal(0x627, command.Opaque);
        Assert.True(command.IsResponse);
        Assert.Null(command.Remark);
        Assert.Null(command.ExtFields);
    }

    [Fact]
    public void BinarySuccessEncodesToTheCapturedBytes()
    {
        var command = new RemotingCommand
        {
            Code = 0, Language = "JAVA", Version = 373, Opaque = 0x627, Flag = 1,
            SerializeType = RemotingSerializeType.RocketMq,
        };

        Assert.Equal(Convert.ToHexString(BinarySuccess), Convert.ToHexString(RemotingCodec.ToArray(command)));
    }

    [Fact]
    public void BinaryHeaderRoundTripsRemarkExtFieldsAndBody()
    {
        var command = new RemotingCommand
        {
            Code = 11, Opaque = 77, Flag = 2, Remark = "FOUND é",
            ExtFields = new() { ["queueOffset"] = "42", ["topic"] = "T", ["empty"] = "" },
            Body = new byte[] { 1, 2, 3 },
            SerializeType = RemotingSerializeType.RocketMq,
        };

        var decoded = ReadSingle(RemotingCodec.ToArray(command));

        Assert.Equal(11, decoded.Code);
        Assert.Equal("DOTNET", decoded.Language);
        Assert.Equal("FOUND é", decoded.Remark);
        Assert.True(decoded.IsOneway);
        Assert.Equal("42", decoded.GetExt("queueOffset"));
        Assert.Null(decoded.GetExt("empty")); // Java readStr turns "" into null
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.Body.ToArray());
    }

    [Fact]
    public void IncompleteFramesConsumeNothing()
    {
        var frame = JsonFrame(SendResponseHeader, [9, 9]);
        for (var cut = 0; cut < frame.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(frame, 0, cut);
            Assert.False(RemotingCodec.TryReadFrame(ref buffer, out _));
            Assert.Equal(cut, buffer.Length);
        }
    }

    [Fact]
    public void TwoFramesInOneBufferAreReadInTurn()
    {
        var both = JsonFrame(RouteRequestHeader, []).Concat(BinarySuccess).ToArray();
        var buffer = new ReadOnlySequence<byte>(both);

        Assert.True(RemotingCodec.TryReadFrame(ref buffer, out var first));
        Assert.True(RemotingCodec.TryReadFrame(ref buffer, out var second));

        Assert.Equal(105, first!.Code);
        Assert.Equal(0x627, second!.Opaque);
        Assert.Equal(0, buffer.Length);
    }

    [Theory]
    [InlineData("00000002" + "00000000")] // length shorter than the serialize int
    [InlineData("7FFFFFFF" + "00000000")] // over the 16 MiB frame limit
    [InlineData("00000008" + "00000010" + "00000000")] // header longer than the frame
    [InlineData("00000006" + "05000002" + "7B7D")] // unknown serialize type 5
    [InlineData("00000006" + "00000002" + "5B5D")] // JSON header that is an array
    [InlineData("00000007" + "00000003" + "7B2263")] // truncated JSON header
    [InlineData("00000010" + "0100000C" + "000000000000000000000000")] // binary header shorter than 21 bytes
    public void MalformedFramesThrowTheProtocolException(string hex)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));

        Assert.Throws<RocketMqProtocolException>(() => RemotingCodec.TryReadFrame(ref buffer, out _));
    }

    [Fact]
    public void BinaryHeaderWithExtLengthPastTheEndIsRejected()
    {
        var bytes = (byte[])BinarySuccess.Clone();
        bytes[^1] = 0x40; // ext length 64, nothing follows
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Throws<RocketMqProtocolException>(() => RemotingCodec.TryReadFrame(ref buffer, out _));
    }

    private static byte[] JsonFrame(string header, byte[] body)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var frame = new byte[8 + headerBytes.Length + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, 4 + headerBytes.Length + body.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), headerBytes.Length);
        headerBytes.CopyTo(frame, 8);
        body.CopyTo(frame, 8 + headerBytes.Length);
        return frame;
    }

    private static RemotingCommand ReadSingle(byte[] frame)
    {
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.True(RemotingCodec.TryReadFrame(ref buffer, out var command));
        Assert.Equal(0, buffer.Length);
        return command!;
    }
}
