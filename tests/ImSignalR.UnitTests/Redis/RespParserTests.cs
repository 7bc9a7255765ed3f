using System.Buffers;
using System.Text;
using ImSignalR.Infrastructure.Redis.Protocol;

namespace ImSignalR.UnitTests.Redis;

public sealed class RespParserTests
{
    [Theory]
    [InlineData("+OK\r\n", "OK")]
    [InlineData("+\r\n", "")]
    [InlineData("$5\r\nhello\r\n", "hello")]
    [InlineData("$0\r\n\r\n", "")]
    [InlineData("$4\r\na\r\nb\r\n", "a\r\nb")]
    [InlineData("=15\r\ntxt:Some string\r\n", "Some string")]
    [InlineData("(3492890328409238509324850943850943825024385\r\n", "3492890328409238509324850943850943825024385")]
    [InlineData("(-12\r\n", "-12")]
    public void StringLikeFramesParseToTheirText(string wire, string expected)
    {
        var value = ParseOne(wire);
        Assert.Equal(expected, value.AsString());
        Assert.False(value.IsNull);
    }

    [Theory]
    [InlineData(":0\r\n", 0L)]
    [InlineData(":1000\r\n", 1000L)]
    [InlineData(":-42\r\n", -42L)]
    [InlineData(":9223372036854775807\r\n", long.MaxValue)]
    [InlineData(":-9223372036854775808\r\n", long.MinValue)]
    public void IntegersParseAsSigned64Bit(string wire, long expected)
    {
        var value = ParseOne(wire);
        Assert.Equal(RespType.Integer, value.Type);
        Assert.Equal(expected, value.AsInt64());
    }

    [Theory]
    [InlineData(",1.23\r\n", 1.23)]
    [InlineData(",-5\r\n", -5.0)]
    [InlineData(",1.5e3\r\n", 1500.0)]
    [InlineData(",inf\r\n", double.PositiveInfinity)]
    [InlineData(",-inf\r\n", double.NegativeInfinity)]
    public void DoublesParseIncludingInfinityAndExponents(string wire, double expected)
    {
        var value = ParseOne(wire);
        Assert.Equal(RespType.Double, value.Type);
        Assert.Equal(expected, value.AsDouble());
    }

    [Fact]
    public void NanParsesAsNan() => Assert.True(double.IsNaN(ParseOne(",nan\r\n").AsDouble()));

    [Theory]
    [InlineData("#t\r\n", true)]
    [InlineData("#f\r\n", false)]
    public void BooleansParse(string wire, bool expected) => Assert.Equal(expected, ParseOne(wire).AsBoolean());

    [Theory]
    [InlineData("$-1\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("_\r\n")]
    public void AllNullFormsAreNull(string wire)
    {
        var value = ParseOne(wire);
        Assert.True(value.IsNull);
        Assert.Null(value.AsString());
        Assert.Null(value.AsBytes());
    }

    [Theory]
    [InlineData("-ERR unknown command 'asdf'\r\n", "ERR unknown command 'asdf'", '-')]
    [InlineData("-NOSCRIPT No matching script.\r\n", "NOSCRIPT No matching script.", '-')]
    [InlineData("!21\r\nSYNTAX invalid syntax\r\n", "SYNTAX invalid syntax", '!')]
    public void ErrorsKeepTheirTextAndAreFlaggedAsErrors(string wire, string expected, char typeByte)
    {
        var value = ParseOne(wire);
        Assert.True(value.IsError);
        Assert.Equal((RespType)typeByte, value.Type);
        Assert.Equal(expected, value.AsString());
    }

    [Fact]
    public void BulkStringsAreBinarySafe()
    {
        var bytes = new byte[] { (byte)'$', (byte)'3', 13, 10, 0, 0xFF, 13, 13, 10 };
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(RespParser.TryRead(ref buffer, out var value));
        Assert.Equal(new byte[] { 0, 0xFF, 13 }, value.AsBytes());
    }

    [Fact]
    public void EmptyArrayHasNoItems()
    {
        var value = ParseOne("*0\r\n");
        Assert.Equal(RespType.Array, value.Type);
        Assert.Empty(value.Items);
    }

    [Fact]
    public void NestedArraysWithNullsAndMixedTypesParse()
    {
        var value = ParseOne("*4\r\n*2\r\n:1\r\n$-1\r\n+two\r\n*0\r\n*1\r\n*1\r\n$3\r\nabc\r\n");
        Assert.Equal(4, value.Items.Length);
        Assert.Equal(1, value.Items[0].Items[0].AsInt64());
        Assert.True(value.Items[0].Items[1].IsNull);
        Assert.Equal("two", value.Items[1].AsString());
        Assert.Empty(value.Items[2].Items);
        Assert.Equal("abc", value.Items[3].Items[0].Items[0].AsString());
    }

    [Fact]
    public void MapsAreFlattenedIntoKeyValuePairs()
    {
        var value = ParseOne("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n");
        Assert.Equal(RespType.Map, value.Type);
        Assert.Equal(new[] { "first", "1", "second", "2" }, value.Items.Select(i => i.AsString()!).ToArray());
    }

    [Fact]
    public void SetsAndPushesAreAggregates()
    {
        var set = ParseOne("~2\r\n+a\r\n+b\r\n");
        Assert.Equal(RespType.Set, set.Type);
        Assert.Equal(2, set.Items.Length);
        var push = ParseOne(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        Assert.Equal(RespType.Push, push.Type);
        Assert.Equal("hi", push.Items[2].AsString());
    }

    [Fact]
    public void AttributesAreSkippedAndTheFollowingReplyReturned()
    {
        var value = ParseOne("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n");
        Assert.Equal(RespType.Array, value.Type);
        Assert.Equal(9543892, value.Items[1].AsInt64());
    }

    [Fact]
    public void SeveralFramesInOneBufferAreReadOneAtATime()
    {
        var buffer = Seq("+OK\r\n:5\r\n$1\r\nx\r\n");
        Assert.True(RespParser.TryRead(ref buffer, out var a));
        Assert.True(RespParser.TryRead(ref buffer, out var b));
        Assert.True(RespParser.TryRead(ref buffer, out var c));
        Assert.False(RespParser.TryRead(ref buffer, out _));
        Assert.Equal(("OK", 5L, "x"), (a.AsString(), b.AsInt64(), c.AsString()));
        Assert.Equal(0, buffer.Length);
    }

    public static TheoryData<string> AllKinds() => new()
    {
        "+OK\r\n", "-ERR x\r\n", ":-42\r\n", "$5\r\nhello\r\n", "$-1\r\n", "*-1\r\n", "_\r\n", "#t\r\n", ",1.5\r\n",
        "(123\r\n", "!3\r\nERR\r\n", "=8\r\ntxt:abcd\r\n", "%1\r\n+k\r\n+v\r\n", "~1\r\n:1\r\n", ">2\r\n+a\r\n+b\r\n",
        "*3\r\n*1\r\n$2\r\nab\r\n$-1\r\n*2\r\n:1\r\n:2\r\n", "|1\r\n+a\r\n+b\r\n:7\r\n",
    };

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void EveryStrictPrefixIsIncompleteAndConsumesNothing(string wire)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, cut);
            var before = buffer;
            Assert.False(RespParser.TryRead(ref buffer, out _), $"prefix of {cut} bytes was accepted");
            Assert.Equal(before.Length, buffer.Length);
            Assert.True(before.Start.Equals(buffer.Start));
        }
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void FramesSplitIntoOneByteSegmentsParseLikeContiguousOnes(string wire)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        var contiguous = ParseOne(wire);
        var fragmented = SegmentedSequence.OneBytePerSegment(bytes);
        Assert.True(RespParser.TryRead(ref fragmented, out var value));
        Assert.Equal(0, fragmented.Length);
        Assert.Equal(Describe(contiguous), Describe(value));
    }

    [Fact]
    public void ByteByByteFeedingCompletesExactlyAtTheLastByte()
    {
        var bytes = Encoding.UTF8.GetBytes("*2\r\n$5\r\nhello\r\n%1\r\n+k\r\n_\r\n");
        for (var available = 1; available <= bytes.Length; available++)
        {
            var buffer = SegmentedSequence.OneBytePerSegment(bytes.AsSpan(0, available).ToArray());
            var ok = RespParser.TryRead(ref buffer, out var value);
            Assert.Equal(available == bytes.Length, ok);
            if (ok)
            {
                Assert.Equal("hello", value.Items[0].AsString());
                Assert.True(value.Items[1].Items[1].IsNull);
            }
        }
    }

    [Theory]
    [InlineData("?x\r\n")]                  // unknown type byte
    [InlineData("+OK\n")]                    // LF without CR
    [InlineData(":12a\r\n")]                 // not a number
    [InlineData(":\r\n")]                    // empty number
    [InlineData(":+5\r\n")]                  // explicit plus is not RESP
    [InlineData("$abc\r\n")]                 // bad bulk length
    [InlineData("$-2\r\n")]                  // only -1 means null
    [InlineData("$3\r\nabcXY")]              // payload not followed by CRLF
    [InlineData("*-2\r\n")]                  // only -1 means null
    [InlineData("%-1\r\n")]                  // maps have no null form
    [InlineData("#x\r\n")]                   // boolean is t or f
    [InlineData(",abc\r\n")]                 // bad double
    [InlineData("(12x\r\n")]                 // bad big number
    [InlineData("_x\r\n")]                   // null with payload
    [InlineData("=3\r\nabc\r\n")]            // verbatim without format prefix
    [InlineData("*1\r\n?\r\n")]              // bad element inside an array
    public void MalformedInputThrowsTheProtocolException(string wire)
    {
        var buffer = Seq(wire);
        var ex = Assert.Throws<RedisProtocolException>(() => RespParser.TryRead(ref buffer, out _));
        Assert.StartsWith("Malformed RESP", ex.Message);
    }

    [Fact]
    public void OffendingBytesAreHexEscapedInTheMessage()
    {
        var buffer = Seq("+OK\n");
        var ex = Assert.Throws<RedisProtocolException>(() => RespParser.TryRead(ref buffer, out _));
        Assert.Contains("\\x0A", ex.Message);
    }

    [Fact]
    public void BulkLongerThanTheLimitIsRejectedBeforeItArrives()
    {
        var limits = RespLimits.Default with { MaxBulkLength = 10 };
        var buffer = Seq("$11\r\n");
        var ex = Assert.Throws<RedisProtocolException>(() => RespParser.TryRead(ref buffer, limits, out _));
        Assert.Contains("limit", ex.Message);
        var ok = Seq("$10\r\n0123456789\r\n");
        Assert.True(RespParser.TryRead(ref ok, limits, out _));
    }

    [Fact]
    public void ArrayLongerThanTheLimitIsRejected()
    {
        var limits = RespLimits.Default with { MaxArrayLength = 2 };
        var buffer = Seq("*3\r\n");
        Assert.Throws<RedisProtocolException>(() => RespParser.TryRead(ref buffer, limits, out _));
        var map = Seq("%2\r\n");   // two pairs are four frames
        Assert.Throws<RedisProtocolException>(() => RespParser.TryRead(ref map, limits, out _));
    }

    [Fact]
    public void NestingDeeperThanTheLimitIsRejected()
    {
        var limits = RespLimits.Default with { MaxDepth = 3 };
        var ok = Seq("*1\r\n*1\r\n*1\r\n:1\r\n");
        Assert.True(RespParser.TryRead(ref ok, limits, out _));
        var deep = Seq("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n");
        Assert.Throws<RedisProtocolException>(() => RespParser.TryRead(ref deep, limits, out _));
    }

    [Fact]
    public void LineWithoutTerminatorLongerThanTheLimitIsRejected()
    {
        var limits = RespLimits.Default with { MaxLineLength = 8 };
        var buffer = Seq("+" + new string('a', 20));
        Assert.Throws<RedisProtocolException>(() => RespParser.TryRead(ref buffer, limits, out _));
        var shortOne = Seq("+aaaa");
        Assert.False(RespParser.TryRead(ref shortOne, limits, out _));
    }

    private static RedisValue ParseOne(string wire)
    {
        var buffer = Seq(wire);
        Assert.True(RespParser.TryRead(ref buffer, out var value));
        Assert.Equal(0, buffer.Length);
        return value;
    }

    private static ReadOnlySequence<byte> Seq(string wire) => new(Encoding.UTF8.GetBytes(wire));

    private static string Describe(RedisValue v) => v.IsAggregate
        ? $"{v.Type}[{string.Join(",", v.Items.Select(Describe))}]"
        : v.Type switch
        {
            RespType.Null => "null",
            _ => $"{v.Type}:{v.AsString()}",
        };
}
