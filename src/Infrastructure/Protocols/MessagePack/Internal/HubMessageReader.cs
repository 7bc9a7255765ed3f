using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;
using ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal;

/// <summary>
/// Parses one frame's payload (HubProtocol.md, MessagePack encoding). Each message is an array whose
/// element 0 is the type:
///   1 Invocation        [1, headers, invocationId|nil, target, [args], [streamIds]?]
///   2 StreamItem        [2, headers, invocationId, item]
///   3 Completion        [3, headers, invocationId, kind (1 error, 2 void, 3 result), error|result?]
///   4 StreamInvocation  [4, headers, invocationId, target, [args], [streamIds]?]
///   5 CancelInvocation  [5, headers, invocationId]
///   6 Ping              [6]
///   7 Close             [7, error|nil, allowReconnect?]
///   8 Ack / 9 Sequence  [8|9, sequenceId]
/// Elements past the ones listed are ignored (newer peers may add some), unknown types give null.
/// Malformed fields throw (InvalidDataException / MessagePackProtocolException: the connection closes);
/// arguments of the wrong type give a binding-failure message (the caller gets a completion error).
/// </summary>
internal static class HubMessageReader
{
    private const int InvocationType = 1;
    private const int StreamItemType = 2;
    private const int CompletionType = 3;
    private const int StreamInvocationType = 4;
    private const int CancelInvocationType = 5;
    private const int PingType = 6;
    private const int CloseType = 7;
    private const int AckType = 8;
    private const int SequenceType = 9;

    public const int ErrorResult = 1;
    public const int VoidResult = 2;
    public const int NonVoidResult = 3;

    public static HubMessage? Parse(ref MessagePackReader reader, IInvocationBinder binder)
    {
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            throw new InvalidDataException("Unexpected empty message array.");
        }
        var type = reader.ReadInt32();
        return type switch
        {
            InvocationType => ReadInvocation(ref reader, binder, count, stream: false),
            StreamInvocationType => ReadInvocation(ref reader, binder, count, stream: true),
            StreamItemType => ReadStreamItem(ref reader, binder, count),
            CompletionType => ReadCompletion(ref reader, binder, count),
            CancelInvocationType => ReadCancelInvocation(ref reader, count),
            PingType => PingMessage.Instance,
            CloseType => ReadClose(ref reader, count),
            AckType => new AckMessage(ReadSequenceId(ref reader, count)),
            SequenceType => new SequenceMessage(ReadSequenceId(ref reader, count)),
            // Future protocol versions can add message types; old peers ignore them.
            _ => null,
        };
    }

    private static HubMessage ReadInvocation(ref MessagePackReader reader, IInvocationBinder binder, int count, bool stream)
    {
        RequireCount(count, 5, stream ? "StreamInvocation" : "Invocation");
        var headers = ReadHeaders(ref reader);
        var invocationId = ReadString(ref reader, "invocationId");
        if (string.IsNullOrEmpty(invocationId))
        {
            if (stream)
            {
                throw new InvalidDataException("Null or empty invocation ID for StreamInvocation message.");
            }
            invocationId = null;
        }
        var target = ReadTarget(ref reader, binder);
        object?[] arguments;
        try
        {
            arguments = ReadArguments(ref reader, binder, target);
        }
        catch (Exception ex) when (ex is not MessagePackProtocolException)
        {
            return new InvocationBindingFailureMessage(invocationId, target, ExceptionDispatchInfo.Capture(ex));
        }
        var streamIds = count > 5 ? ReadStreamIds(ref reader) : null;
        HubMethodInvocationMessage message = stream
            ? new StreamInvocationMessage(invocationId!, target, arguments, streamIds)
            : new InvocationMessage(invocationId, target, arguments, streamIds);
        return ApplyHeaders(message, headers);
    }

    private static object?[] ReadArguments(ref MessagePackReader reader, IInvocationBinder binder, string target)
    {
        var count = reader.ReadArrayHeader();
        var parameterTypes = binder.GetParameterTypes(target);
        if (count != parameterTypes.Count)
        {
            throw new InvocationBindingException($"Invocation provides {count} argument(s) but target expects {parameterTypes.Count}.", null);
        }
        var arguments = count == 0 ? [] : new object?[count];
        for (var i = 0; i < count; i++)
        {
            try
            {
                arguments[i] = MessagePackConverters.Get(parameterTypes[i]).ReadObject(ref reader);
            }
            catch (MessagePackBindingException ex)
            {
                throw new InvocationBindingException(
                    $"Error binding argument {i + 1}. Make sure that the types of the provided values match the types of the hub method being invoked.", ex);
            }
        }
        return arguments;
    }

    private static HubMessage ReadStreamItem(ref MessagePackReader reader, IInvocationBinder binder, int count)
    {
        RequireCount(count, 4, "StreamItem");
        var headers = ReadHeaders(ref reader);
        var invocationId = ReadRequiredId(ref reader, "StreamItem");
        object? item;
        try
        {
            var itemType = binder.GetStreamItemType(invocationId);
            item = MessagePackConverters.Get(itemType).ReadObject(ref reader);
        }
        catch (Exception ex) when (ex is not MessagePackProtocolException)
        {
            return new StreamBindingFailureMessage(invocationId, ExceptionDispatchInfo.Capture(ex));
        }
        return ApplyHeaders(new StreamItemMessage(invocationId, item), headers);
    }

    private static HubMessage ReadCompletion(ref MessagePackReader reader, IInvocationBinder binder, int count)
    {
        RequireCount(count, 4, "Completion");
        var headers = ReadHeaders(ref reader);
        var invocationId = ReadRequiredId(ref reader, "Completion");
        var kind = reader.ReadInt32();
        string? error = null;
        object? result = null;
        var hasResult = false;
        switch (kind)
        {
            case ErrorResult:
                RequireCount(count, 5, "Completion");
                error = ReadString(ref reader, "error");
                break;
            case VoidResult:
                break;
            case NonVoidResult:
                RequireCount(count, 5, "Completion");
                hasResult = true;
                Type? itemType;
                try
                {
                    itemType = binder.GetReturnType(invocationId);
                }
                catch (Exception)
                {
                    itemType = null; // nobody waits for this result: skip it, as the official server does
                }
                if (itemType is null)
                {
                    reader.Skip();
                }
                else if (itemType == typeof(RawResult))
                {
                    result = new RawResult(new ReadOnlySequence<byte>(reader.ReadRawValue().ToArray()));
                }
                else
                {
                    try
                    {
                        result = MessagePackConverters.Get(itemType).ReadObject(ref reader);
                    }
                    catch (Exception ex) when (ex is not MessagePackProtocolException)
                    {
                        error = $"Error trying to deserialize result to {itemType.Name}. {ex.Message}";
                        hasResult = false;
                    }
                }
                break;
            default:
                throw new InvalidDataException("Invalid invocation result kind.");
        }
        return ApplyHeaders(new CompletionMessage(invocationId, error, result, hasResult), headers);
    }

    private static HubMessage ReadCancelInvocation(ref MessagePackReader reader, int count)
    {
        RequireCount(count, 3, "CancelInvocation");
        var headers = ReadHeaders(ref reader);
        var invocationId = ReadRequiredId(ref reader, "CancelInvocation");
        return ApplyHeaders(new CancelInvocationMessage(invocationId), headers);
    }

    private static CloseMessage ReadClose(ref MessagePackReader reader, int count)
    {
        RequireCount(count, 2, "Close");
        var error = ReadString(ref reader, "error");
        var allowReconnect = count > 2 && ReadBoolean(ref reader, "allowReconnect");
        return error is null && !allowReconnect ? CloseMessage.Empty : new CloseMessage(error, allowReconnect);
    }

    private static long ReadSequenceId(ref MessagePackReader reader, int count)
    {
        RequireCount(count, 2, "Ack/Sequence");
        if (reader.NextType != MessagePackType.Integer)
        {
            throw new InvalidDataException("Reading 'sequenceId' as Int64 failed.");
        }
        return reader.ReadInt64();
    }

    private static Dictionary<string, string>? ReadHeaders(ref MessagePackReader reader)
    {
        if (reader.NextType != MessagePackType.Map)
        {
            throw new InvalidDataException("Reading map length for 'headers' failed.");
        }
        var count = reader.ReadMapHeader();
        if (count == 0)
        {
            return null;
        }
        var headers = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(ref reader, "headers");
            if (string.IsNullOrEmpty(key))
            {
                throw new InvalidDataException("Null or empty key in header.");
            }
            var value = ReadString(ref reader, "headers");
            if (string.IsNullOrEmpty(value))
            {
                throw new InvalidDataException("Null or empty value in header.");
            }
            headers[key] = value;
        }
        return headers;
    }

    private static string[]? ReadStreamIds(ref MessagePackReader reader)
    {
        if (reader.NextType != MessagePackType.Array)
        {
            throw new InvalidDataException("Reading array length for 'streamIds' failed.");
        }
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            return null;
        }
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var id = ReadString(ref reader, "streamId");
            if (string.IsNullOrEmpty(id))
            {
                throw new InvalidDataException("Null or empty stream ID.");
            }
            ids[i] = id;
        }
        return ids;
    }

    private static string ReadTarget(ref MessagePackReader reader, IInvocationBinder binder)
    {
        if (reader.NextType != MessagePackType.String)
        {
            throw new InvalidDataException("Reading 'target' as String failed.");
        }
        var bytes = reader.ReadStringSequence();
        if (bytes.IsEmpty)
        {
            throw new InvalidDataException("Null or empty target for Invocation message.");
        }
        // The binder can hand back its interned method name, saving a string per invocation.
        if (bytes.IsSingleSegment && binder.GetTarget(bytes.FirstSpan) is { } known)
        {
            return known;
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private static string ReadRequiredId(ref MessagePackReader reader, string messageType)
    {
        var id = ReadString(ref reader, "invocationId");
        if (string.IsNullOrEmpty(id))
        {
            throw new InvalidDataException($"Null or empty invocation ID for {messageType} message.");
        }
        return id;
    }

    private static string? ReadString(ref MessagePackReader reader, string field)
    {
        var type = reader.NextType;
        if (type is not (MessagePackType.String or MessagePackType.Nil))
        {
            throw new InvalidDataException($"Reading '{field}' as String failed.");
        }
        return reader.ReadString();
    }

    private static bool ReadBoolean(ref MessagePackReader reader, string field)
    {
        if (reader.NextType != MessagePackType.Boolean)
        {
            throw new InvalidDataException($"Reading '{field}' as Boolean failed.");
        }
        return reader.ReadBoolean();
    }

    private static void RequireCount(int count, int minimum, string messageType)
    {
        if (count < minimum)
        {
            throw new InvalidDataException($"{messageType} message has {count} element(s), expected at least {minimum}.");
        }
    }

    private static HubMessage ApplyHeaders(HubInvocationMessage message, Dictionary<string, string>? headers)
    {
        if (headers is not null)
        {
            message.Headers = headers;
        }
        return message;
    }
}
