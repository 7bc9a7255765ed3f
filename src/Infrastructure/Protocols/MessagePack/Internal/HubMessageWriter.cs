using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;
using ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal;

/// <summary>
/// Writes one message's payload in the layouts listed on <see cref="HubMessageReader"/>, the way the
/// official server does: Invocation always with 6 elements (an empty streamIds array when none),
/// Completion void with 4 elements, Close with 3, Ping as exactly 91 06. Values are written by their
/// runtime type; null is nil.
/// </summary>
internal static class HubMessageWriter
{
    public static void Write(ref MessagePackWriter writer, HubMessage message)
    {
        switch (message)
        {
            case InvocationMessage invocation:
                WriteInvocation(ref writer, 1, invocation);
                break;
            case StreamInvocationMessage streamInvocation:
                WriteInvocation(ref writer, 4, streamInvocation);
                break;
            case StreamItemMessage streamItem:
                writer.WriteArrayHeader(4);
                writer.Write(2L);
                WriteHeaders(ref writer, streamItem.Headers);
                writer.Write(streamItem.InvocationId);
                WriteValue(ref writer, streamItem.Item);
                break;
            case CompletionMessage completion:
                WriteCompletion(ref writer, completion);
                break;
            case CancelInvocationMessage cancel:
                writer.WriteArrayHeader(3);
                writer.Write(5L);
                WriteHeaders(ref writer, cancel.Headers);
                writer.Write(cancel.InvocationId);
                break;
            case PingMessage:
                writer.WriteArrayHeader(1);
                writer.Write(6L);
                break;
            case CloseMessage close:
                writer.WriteArrayHeader(3);
                writer.Write(7L);
                writer.Write(close.Error);
                writer.Write(close.AllowReconnect);
                break;
            case AckMessage ack:
                writer.WriteArrayHeader(2);
                writer.Write(8L);
                writer.Write(ack.SequenceId);
                break;
            case SequenceMessage sequence:
                writer.WriteArrayHeader(2);
                writer.Write(9L);
                writer.Write(sequence.SequenceId);
                break;
            default:
                throw new InvalidDataException($"Unexpected message type: {message.GetType().Name}");
        }
    }

    private static void WriteInvocation(ref MessagePackWriter writer, int type, HubMethodInvocationMessage message)
    {
        writer.WriteArrayHeader(6);
        writer.Write((long)type);
        WriteHeaders(ref writer, message.Headers);
        writer.Write(string.IsNullOrEmpty(message.InvocationId) ? null : message.InvocationId);
        writer.Write(message.Target);
        var arguments = message.Arguments ?? [];
        writer.WriteArrayHeader(arguments.Length);
        foreach (var argument in arguments)
        {
            WriteValue(ref writer, argument);
        }
        var streamIds = message.StreamIds ?? [];
        writer.WriteArrayHeader(streamIds.Length);
        foreach (var id in streamIds)
        {
            writer.Write(id);
        }
    }

    private static void WriteCompletion(ref MessagePackWriter writer, CompletionMessage completion)
    {
        var kind = completion.Error is not null ? HubMessageReader.ErrorResult
            : completion.HasResult ? HubMessageReader.NonVoidResult
            : HubMessageReader.VoidResult;
        writer.WriteArrayHeader(kind == HubMessageReader.VoidResult ? 4 : 5);
        writer.Write(3L);
        WriteHeaders(ref writer, completion.Headers);
        writer.Write(completion.InvocationId);
        writer.Write((long)kind);
        if (kind == HubMessageReader.ErrorResult)
        {
            writer.Write(completion.Error);
        }
        else if (kind == HubMessageReader.NonVoidResult)
        {
            WriteValue(ref writer, completion.Result);
        }
    }

    private static void WriteHeaders(ref MessagePackWriter writer, IDictionary<string, string>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            writer.WriteMapHeader(0);
            return;
        }
        writer.WriteMapHeader(headers.Count);
        foreach (var header in headers)
        {
            writer.Write(header.Key);
            writer.Write(header.Value);
        }
    }

    private static void WriteValue(ref MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                break;
            case RawResult raw:
                writer.WriteRaw(raw.RawSerializedData);
                break;
            default:
                MessagePackConverters.Get(value.GetType()).WriteObject(ref writer, value);
                break;
        }
    }
}
