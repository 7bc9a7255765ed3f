using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using ImSignalR.Domain.Errors;
using MessagePack;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Protocols.MessagePack;

/// <summary>
/// The official <see cref="MessagePackHubProtocol"/>, with two things said the way the rest of the hub
/// says them:
/// <list type="bullet">
/// <item>An argument refused with an <see cref="ImException"/> (invalid UTF-8) reaches the caller with
/// its code. SignalR answers a binding failure itself, before any hub filter runs, and puts the cause's
/// text into the completion only when it is a <see cref="HubException"/>; so it becomes one.</item>
/// <item>A malformed frame throws <see cref="InvalidDataException"/>, as the JSON protocol does (MessagePack
/// throws its own exception types), so the hub filter counts it as <c>IM_INVALID_FRAME</c>.</item>
/// </list>
/// </summary>
internal sealed class ImMessagePackHubProtocol(IOptions<MessagePackHubProtocolOptions> options) : IHubProtocol
{
    private readonly MessagePackHubProtocol _inner = new(options);

    public string Name => _inner.Name;

    public int Version => _inner.Version;

    public TransferFormat TransferFormat => _inner.TransferFormat;

    public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        bool parsed;
        try
        {
            parsed = _inner.TryParseMessage(ref input, binder, out message);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or FormatException)
        {
            throw new InvalidDataException("The MessagePack hub message is malformed.", ex);
        }
        if (message is InvocationBindingFailureMessage failure && Refusal(failure.BindingFailure.SourceException) is { } refusal)
        {
            message = new InvocationBindingFailureMessage(failure.InvocationId, failure.Target,
                ExceptionDispatchInfo.Capture(new HubException(refusal.WireMessage, refusal)));
        }
        return parsed;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);

    /// <summary>The protocol as the hub registers it, for tests and benchmarks.</summary>
    public static ImMessagePackHubProtocol Create() =>
        new(Options.Create(new MessagePackHubProtocolOptions { SerializerOptions = MessagePackWire.SerializerOptions }));

    // SignalR and MessagePack each wrap the formatter's exception once or twice.
    private static ImException? Refusal(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is ImException refusal)
            {
                return refusal;
            }
        }
        return null;
    }
}
