using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.Bench.Micro;

/// <summary>The MessagePack protocol as the hub registers it against the built-in JSON protocol, writing and parsing ReceiveC2C.</summary>
[MemoryDiagnoser]
public class HubProtocolBenchmarks
{
    private readonly IHubProtocol _messagePack = HubMessagePack.Create();
    private readonly IHubProtocol _json = new JsonHubProtocol();
    private readonly ReceiveC2CBinder _binder = new();
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private InvocationMessage _message = null!;
    private byte[] _messagePackBytes = null!;
    private byte[] _jsonBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _message = ReceiveC2CInvocation.Create();
        _messagePackBytes = _messagePack.GetMessageBytes(_message).ToArray();
        _jsonBytes = _json.GetMessageBytes(_message).ToArray();
    }

    [Benchmark]
    public int WriteMessagePack()
    {
        _output.ResetWrittenCount();
        _messagePack.WriteMessage(_message, _output);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    public int WriteJson()
    {
        _output.ResetWrittenCount();
        _json.WriteMessage(_message, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public HubMessage? ParseMessagePack()
    {
        var input = new ReadOnlySequence<byte>(_messagePackBytes);
        _messagePack.TryParseMessage(ref input, _binder, out var message);
        return message;
    }

    [Benchmark]
    public HubMessage? ParseJson()
    {
        var input = new ReadOnlySequence<byte>(_jsonBytes);
        _json.TryParseMessage(ref input, _binder, out var message);
        return message;
    }
}
