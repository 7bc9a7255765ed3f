using System.Buffers;
using System.Text;
using ImSignalR.Infrastructure.Redis.Protocol;

namespace ImSignalR.UnitTests.Redis;

public sealed class RespWriterTests
{
    [Fact]
    public void CommandIsAnArrayOfBulkStrings()
    {
        Assert.Equal("*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n", Write("SET", "foo", "bar"));
    }

    [Fact]
    public void IntegersAndBytesAreWrittenAsBulkStrings()
    {
        Assert.Equal("*3\r\n$6\r\nEXPIRE\r\n$1\r\nk\r\n$3\r\n-42\r\n", Write("EXPIRE", "k", -42L));
        Assert.Equal("*2\r\n$4\r\nECHO\r\n$3\r\n\0\r\n\r\n", Write("ECHO", new byte[] { 0, 13, 10 }));
    }

    [Fact]
    public void Utf8TextIsCountedInBytes()
    {
        Assert.Equal("*2\r\n$4\r\nECHO\r\n$6\r\n你好\r\n", Write("ECHO", "你好"));
    }

    [Fact]
    public void EmptyArgumentIsAZeroLengthBulk()
    {
        Assert.Equal("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", Write("ECHO", ""));
    }

    [Fact]
    public void WrittenCommandParsesBackToTheSameArguments()
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(writer, ["ZADD", "q", 1700000000000L, new byte[] { 1, 2, 3 }]);
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.True(RespParser.TryRead(ref buffer, out var value));
        Assert.Equal(4, value.Items.Length);
        Assert.Equal(1700000000000L, value.Items[2].AsInt64());
        Assert.Equal(new byte[] { 1, 2, 3 }, value.Items[3].AsBytes());
    }

    [Fact]
    public void CommandWithoutNameIsRejected()
    {
        Assert.Throws<ArgumentException>(() => RespWriter.WriteCommand(new ArrayBufferWriter<byte>(), ReadOnlySpan<RedisArg>.Empty));
    }

    private static string Write(params RedisArg[] args)
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(writer, args);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }
}
