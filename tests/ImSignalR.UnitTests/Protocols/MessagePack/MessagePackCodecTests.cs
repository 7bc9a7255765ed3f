using System.Buffers;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

public sealed class MessagePackCodecTests
{
    private static MessagePackReader Reader(string hex, MessagePackReaderOptions? options = null) =>
        new(new ReadOnlySequence<byte>(Hex.Bytes(hex)), options);

    private static string Write(Action<MessagePackWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new MessagePackWriter(buffer));
        return Hex.Of(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData("00", 0L)]
    [InlineData("7F", 127L)]
    [InlineData("FF", -1L)]
    [InlineData("E0", -32L)]
    [InlineData("CC80", 128L)]
    [InlineData("CCFF", 255L)]
    [InlineData("CD0100", 256L)]
    [InlineData("CDFFFF", 65535L)]
    [InlineData("CE00010000", 65536L)]
    [InlineData("CEFFFFFFFF", 4294967295L)]
    [InlineData("CF0000000100000000", 4294967296L)]
    [InlineData("CF7FFFFFFFFFFFFFFF", long.MaxValue)]
    [InlineData("D0DF", -33L)]
    [InlineData("D080", -128L)]
    [InlineData("D1FF7F", -129L)]
    [InlineData("D18000", -32768L)]
    [InlineData("D2FFFF7FFF", -32769L)]
    [InlineData("D280000000", (long)int.MinValue)]
    [InlineData("D3FFFFFFFF7FFFFFFF", (long)int.MinValue - 1)]
    [InlineData("D38000000000000000", long.MinValue)]
    public void IntegersOfEveryWidthReadAndWriteInShortestForm(string hex, long value)
    {
        var reader = Reader(hex);
        Assert.Equal(value, reader.ReadInt64());
        Assert.True(reader.End);
        Assert.Equal(hex, Write(w => w.Write(value)));
    }

    [Theory]
    [InlineData("D000", 0L)] // non-shortest widths are accepted on input
    [InlineData("D3000000000000002A", 42L)]
    [InlineData("CF000000000000002A", 42L)]
    [InlineData("D1002A", 42L)]
    public void NonShortestIntegerEncodingsAreAccepted(string hex, long value) =>
        Assert.Equal(value, Reader(hex).ReadInt64());

    [Fact]
    public void UInt64AboveInt64RangeReadsAsUInt64AndOverflowsInt64()
    {
        Assert.Equal(ulong.MaxValue, Reader("CFFFFFFFFFFFFFFFFF").ReadUInt64());
        Assert.Equal("CFFFFFFFFFFFFFFFFF", Write(w => w.Write(ulong.MaxValue)));
        var ex = Assert.Throws<MessagePackProtocolException>(() => Reader("CFFFFFFFFFFFFFFFFF").ReadInt64());
        Assert.Contains("CF FF FF", ex.Message, StringComparison.Ordinal);
        Assert.Contains("position 0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CE80000000")]
    [InlineData("D3FFFFFFFF7FFFFFFF")]
    [InlineData("CF8000000000000000")]
    public void Int32ReadOfWiderValuesThrowsOverflow(string hex)
    {
        var ex = Assert.Throws<MessagePackProtocolException>(() => Reader(hex).ReadInt32());
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeValueIsNotAUInt64() =>
        Assert.Throws<MessagePackProtocolException>(() => Reader("FF").ReadUInt64());

    [Theory]
    [InlineData("C0", "nil")]
    [InlineData("C2", "false")]
    [InlineData("C3", "true")]
    public void NilAndBooleans(string hex, string expected)
    {
        var reader = Reader(hex);
        var actual = reader.TryReadNil() ? "nil" : reader.ReadBoolean() ? "true" : "false";
        Assert.Equal(expected, actual);
        Assert.True(reader.End);
    }

    [Fact]
    public void NilAndBooleansWrite()
    {
        Assert.Equal("C0", Write(w => w.WriteNil()));
        Assert.Equal("C3", Write(w => w.Write(true)));
        Assert.Equal("C2", Write(w => w.Write(false)));
    }

    [Theory]
    [InlineData("CA3FC00000", 1.5)]
    [InlineData("CB3FF8000000000000", 1.5)]
    [InlineData("CBC00921FB54442D18", -3.141592653589793)]
    [InlineData("03", 3.0)]
    [InlineData("D0FD", -3.0)]
    public void FloatsAndIntegersReadAsDouble(string hex, double value) => Assert.Equal(value, Reader(hex).ReadDouble());

    [Fact]
    public void FloatsWriteAsFloat32AndFloat64()
    {
        Assert.Equal("CA3FC00000", Write(w => w.Write(1.5f)));
        Assert.Equal("CB3FF8000000000000", Write(w => w.Write(1.5d)));
        Assert.Equal(1.5f, Reader("CA3FC00000").ReadSingle());
    }

    [Theory]
    [InlineData(0, "A0")]
    [InlineData(31, "BF")]
    [InlineData(32, "D920")]
    [InlineData(255, "D9FF")]
    [InlineData(256, "DA0100")]
    [InlineData(65535, "DAFFFF")]
    [InlineData(65536, "DB00010000")]
    public void StringsUseFixStrStr8Str16Str32ByLength(int length, string headerHex)
    {
        var value = new string('x', length);
        var hex = Write(w => w.Write(value));
        Assert.StartsWith(headerHex, hex, StringComparison.Ordinal);
        Assert.Equal(headerHex.Length / 2 + length, hex.Length / 2);
        Assert.Equal(value, Reader(hex).ReadString());
        Assert.Equal(value, new MessagePackReader(Hex.Fragmented(Hex.Bytes(hex))).ReadString());
    }

    [Fact]
    public void StringsAreUtf8()
    {
        Assert.Equal("A6E4BDA0E5A5BD", Write(w => w.Write("你好")));
        Assert.Equal("你好", Reader("A6E4BDA0E5A5BD").ReadString());
        Assert.Null(Reader("C0").ReadString());
    }

    [Theory]
    [InlineData(0, "C400")]
    [InlineData(255, "C4FF")]
    [InlineData(256, "C50100")]
    [InlineData(65536, "C600010000")]
    public void BinaryUsesBin8Bin16Bin32ByLength(int length, string headerHex)
    {
        var value = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var hex = Write(w => w.Write(value.AsSpan()));
        Assert.StartsWith(headerHex, hex, StringComparison.Ordinal);
        Assert.Equal(value, Reader(hex).ReadBinary());
    }

    [Theory]
    [InlineData(0, "90")]
    [InlineData(15, "9F")]
    [InlineData(16, "DC0010")]
    [InlineData(65536, "DD00010000")]
    public void ArraysUseFixArrayArray16Array32ByCount(int count, string headerHex)
    {
        var hex = Write(w =>
        {
            w.WriteArrayHeader(count);
            for (var i = 0; i < count; i++)
            {
                w.WriteNil();
            }
        });
        Assert.StartsWith(headerHex, hex, StringComparison.Ordinal);
        var reader = Reader(hex);
        Assert.Equal(count, reader.ReadArrayHeader());
        reader = Reader(hex);
        reader.Skip();
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(0, "80")]
    [InlineData(15, "8F")]
    [InlineData(16, "DE0010")]
    [InlineData(65536, "DF00010000")]
    public void MapsUseFixMapMap16Map32ByCount(int count, string headerHex)
    {
        var hex = Write(w =>
        {
            w.WriteMapHeader(count);
            for (var i = 0; i < count; i++)
            {
                w.Write((long)i);
                w.WriteNil();
            }
        });
        Assert.StartsWith(headerHex, hex, StringComparison.Ordinal);
        var options = new MessagePackReaderOptions { MaxMapLength = 100_000 };
        var reader = Reader(hex, options);
        Assert.Equal(count, reader.ReadMapHeader());
        reader = Reader(hex, options);
        reader.Skip();
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(1, "D405")]
    [InlineData(2, "D505")]
    [InlineData(4, "D605")]
    [InlineData(8, "D705")]
    [InlineData(16, "D805")]
    [InlineData(3, "C70305")]
    [InlineData(256, "C8010005")]
    [InlineData(65536, "C90001000005")]
    public void ExtensionsUseFixExtOrExt8Ext16Ext32(int length, string headerHex)
    {
        var hex = Write(w =>
        {
            w.WriteExtensionHeader(5, length);
            w.WriteRaw(new byte[length]);
        });
        Assert.StartsWith(headerHex, hex, StringComparison.Ordinal);
        var reader = Reader(hex);
        var header = reader.ReadExtensionHeader();
        Assert.Equal(new MessagePackExtensionHeader(5, (uint)length), header);
        Assert.Equal(length, reader.ReadRaw(header.Length).Length);
        Assert.True(reader.End);
        var skipper = Reader(hex);
        skipper.Skip();
        Assert.True(skipper.End);
    }

    public static TheoryData<string, DateTime> Timestamps => new()
    {
        { "D6FF00000000", DateTime.UnixEpoch },
        { "D6FF5F5E1000", new DateTime(2020, 9, 13, 12, 26, 40, DateTimeKind.Utc) },
        { "D7FF7735940000000000", DateTime.UnixEpoch.AddMilliseconds(500) },
        { "D7FF0000000100000000", DateTime.UnixEpoch.AddSeconds(4294967296) },
        { "C70CFF00000000FFFFFFFFFFFFFFFF", DateTime.UnixEpoch.AddSeconds(-1) },
        { "C70CFF00000000FFFFFFF1886E0900", DateTime.MinValue },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void TimestampExtensionUsesTs32Ts64Ts96(string hex, DateTime value)
    {
        Assert.Equal(hex, Write(w => w.Write(value)));
        var read = Reader(hex).ReadDateTime();
        Assert.Equal(value, read);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }

    [Fact]
    public void TimestampWithTooManyNanosecondsIsRejected() =>
        Assert.Throws<MessagePackProtocolException>(() => Reader("C70CFF3B9ACA000000000000000000").ReadDateTime());

    [Fact]
    public void TimestampBeyondDateTimeRangeIsRejected() =>
        Assert.Throws<MessagePackProtocolException>(() => Reader("C70CFF000000007FFFFFFFFFFFFFFF").ReadDateTime());

    [Fact]
    public void NonTimestampExtensionIsNotADate() =>
        Assert.Throws<MessagePackProtocolException>(() => Reader("D60100000000").ReadDateTime());

    [Theory]
    [InlineData("")]
    [InlineData("CC")]
    [InlineData("CD00")]
    [InlineData("CE000000")]
    [InlineData("CF00000000000000")]
    [InlineData("D0")]
    [InlineData("D100")]
    [InlineData("D2000000")]
    [InlineData("D300000000000000")]
    public void TruncatedIntegersThrow(string hex)
    {
        var ex = Assert.Throws<MessagePackProtocolException>(() => Reader(hex).ReadInt64());
        Assert.Contains("Truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A378")]
    [InlineData("D905787878")]
    [InlineData("DA0005")]
    [InlineData("DB00000005")]
    [InlineData("DBFFFFFFFF78")]
    public void TruncatedOrOverlongStringsThrow(string hex) =>
        Assert.Throws<MessagePackProtocolException>(() => Reader(hex).ReadString());

    [Theory]
    [InlineData("C403")]
    [InlineData("C50003AA")]
    [InlineData("C6FFFFFFFF")]
    public void TruncatedBinaryThrows(string hex) =>
        Assert.Throws<MessagePackProtocolException>(() => Reader(hex).ReadBinary());

    [Theory]
    [InlineData("92")]
    [InlineData("93C0C0")]
    [InlineData("DC00")]
    [InlineData("DD00010000")]
    [InlineData("81C0")]
    [InlineData("DE0001C0")]
    [InlineData("D4")]
    [InlineData("D605000000")]
    [InlineData("C705")]
    [InlineData("C7FF05")]
    public void TruncatedContainersAndExtensionsFailToSkip(string hex)
    {
        Assert.Throws<MessagePackProtocolException>(() => Reader(hex).Skip());
        var reader = Reader(hex);
        Assert.False(reader.TrySkip());
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void DeclaredArrayCountLargerThanTheDataIsRejectedUpFront()
    {
        var ex = Assert.Throws<MessagePackProtocolException>(() => Reader("DD7FFFFFFF00").ReadArrayHeader());
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
        Assert.Throws<MessagePackProtocolException>(() => Reader("DC100000").ReadArrayHeader());
        Assert.Throws<MessagePackProtocolException>(() => Reader("DE0100C0").ReadMapHeader());
    }

    [Fact]
    public void NeverUsedByteIsInvalid()
    {
        var ex = Assert.Throws<MessagePackProtocolException>(() => Reader("91C1").Skip());
        Assert.Contains("position 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("C1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A0")]
    [InlineData("C0")]
    [InlineData("90")]
    [InlineData("CA00000000")]
    public void WrongTypeForIntegerThrows(string hex) =>
        Assert.Throws<MessagePackProtocolException>(() => Reader(hex).ReadInt64());

    [Fact]
    public void NestingDeeperThanTheLimitIsRejectedBySkip()
    {
        var options = new MessagePackReaderOptions { MaxDepth = 8 };
        var ok = string.Concat(Enumerable.Repeat("91", 8)) + "C0";
        var reader = Reader(ok, options);
        reader.Skip();
        Assert.True(reader.End);
        var deep = string.Concat(Enumerable.Repeat("91", 9)) + "C0";
        var ex = Assert.Throws<MessagePackProtocolException>(() => Reader(deep, options).Skip());
        Assert.Contains("Nesting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultDepthLimitStopsAMillionNestedArrays()
    {
        var bytes = Enumerable.Repeat((byte)0x91, 1_000_000).Append((byte)0xC0).ToArray();
        Assert.Throws<MessagePackProtocolException>(() => new MessagePackReader(new ReadOnlySequence<byte>(bytes)).Skip());
    }

    [Fact]
    public void LengthLimitsApplyToStringsBinaryArraysMapsAndMessages()
    {
        var options = new MessagePackReaderOptions
        {
            MaxStringLength = 2, MaxBinaryLength = 2, MaxArrayLength = 2, MaxMapLength = 1, MaxExtensionLength = 2, MaxMessageSize = 16,
        };
        Assert.Equal("xy", Reader("A27879", options).ReadString());
        Assert.Throws<MessagePackProtocolException>(() => Reader("A3787878", options).ReadString());
        Assert.Throws<MessagePackProtocolException>(() => Reader("C403000000", options).ReadBinary());
        Assert.Throws<MessagePackProtocolException>(() => Reader("93C0C0C0", options).ReadArrayHeader());
        Assert.Throws<MessagePackProtocolException>(() => Reader("82C0C0C0C0", options).ReadMapHeader());
        Assert.Throws<MessagePackProtocolException>(() => Reader("C70305000000", options).ReadExtensionHeader());
        Assert.Throws<MessagePackProtocolException>(() => Reader("93C0C0C0", options).Skip());
        Assert.Throws<MessagePackProtocolException>(() => Reader(new string('C', 34), options));
    }

    [Fact]
    public void SkipWalksEveryFamilyAndReadRawValueReturnsTheExactBytes()
    {
        const string value = "8A A161 C0 A162 C3 A163 CD0102 A164 CB3FF8000000000000 A165 C40101 A166 D6FF00000000 A167 92 01 A0 A168 80 A169 D3FFFFFFFFFFFFFFFF A16A CA00000000";
        var reader = Reader(value + "2A");
        var raw = reader.ReadRawValue();
        Assert.Equal(value.Replace(" ", "", StringComparison.Ordinal), Hex.Of(raw.ToArray()));
        Assert.Equal(42, reader.ReadInt32());
        Assert.True(reader.End);
    }

    [Fact]
    public void NextTypeReportsTheFamily()
    {
        Assert.Equal(MessagePackType.Integer, Reader("E0").NextType);
        Assert.Equal(MessagePackType.Map, Reader("80").NextType);
        Assert.Equal(MessagePackType.Array, Reader("DC").NextType);
        Assert.Equal(MessagePackType.String, Reader("D9").NextType);
        Assert.Equal(MessagePackType.Binary, Reader("C6").NextType);
        Assert.Equal(MessagePackType.Extension, Reader("D8").NextType);
        Assert.Equal(MessagePackType.Float, Reader("CA").NextType);
        Assert.Equal(MessagePackType.Unknown, Reader("C1").NextType);
    }
}
