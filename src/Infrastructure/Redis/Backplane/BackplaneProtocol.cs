using System.Buffers;
using ImSignalR.Infrastructure.Redis.Internal;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.Infrastructure.Redis.Backplane;

/// <summary>
/// Envelopes on the wire, as the official StackExchangeRedis backplane writes them (so nodes of both can share
/// a Redis), all MessagePack:
/// <list type="bullet">
/// <item>invocation (<c>:all</c>, <c>:user:</c>, <c>:group:</c>, <c>:connection:</c>): <c>[excludedIds: [str…], {protocolName: bin}]</c>;
/// readers accept ≥ 2 elements (the official adds invocationId and return channel for client results and we ignore them);
/// each bin is <see cref="IHubProtocol.GetMessageBytes"/> of the invocation, framing included;</item>
/// <item>group command (<c>:internal:groups</c>): <c>[id: int, serverName: str, action: 1 add | 2 remove, group: str, connectionId: str]</c>;</item>
/// <item>ack (<c>:internal:ack:{server}</c>): <c>[id: int]</c>.</item>
/// </list>
/// </summary>
internal static class BackplaneProtocol
{
    public const int GroupAdd = 1;
    public const int GroupRemove = 2;

    public static byte[] WriteInvocation(IReadOnlyList<string>? excludedConnectionIds, IReadOnlyList<SerializedMessage> messages)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        BackplaneMessagePack.WriteArrayHeader(writer, 2);
        BackplaneMessagePack.WriteArrayHeader(writer, excludedConnectionIds?.Count ?? 0);
        if (excludedConnectionIds is not null)
        {
            foreach (var id in excludedConnectionIds)
            {
                BackplaneMessagePack.WriteString(writer, id);
            }
        }
        BackplaneMessagePack.WriteMapHeader(writer, messages.Count);
        foreach (var message in messages)
        {
            BackplaneMessagePack.WriteString(writer, message.ProtocolName);
            BackplaneMessagePack.WriteBin(writer, message.Serialized.Span);
        }
        return writer.WrittenSpan.ToArray();
    }

    public static (string[] Excluded, SerializedHubMessage Message) ReadInvocation(ReadOnlySpan<byte> bytes)
    {
        var reader = new BackplaneMessagePackReader(bytes);
        if (reader.ReadArrayHeader() < 2)
        {
            throw new InvalidDataException("Backplane invocation has fewer than 2 elements.");
        }
        var excluded = new string[reader.ReadArrayHeader()];
        for (var i = 0; i < excluded.Length; i++)
        {
            excluded[i] = reader.ReadString() ?? "";
        }
        var count = reader.ReadMapHeader();
        var messages = new List<SerializedMessage>(count);
        for (var i = 0; i < count; i++)
        {
            var protocol = reader.ReadString() ?? throw new InvalidDataException("Backplane invocation has a null protocol name.");
            messages.Add(new SerializedMessage(protocol, reader.ReadBin()));
        }
        return (excluded, new SerializedHubMessage(messages));
    }

    public static byte[] WriteGroupCommand(int id, string serverName, int action, string groupName, string connectionId)
    {
        var writer = new ArrayBufferWriter<byte>(128);
        BackplaneMessagePack.WriteArrayHeader(writer, 5);
        BackplaneMessagePack.WriteInt(writer, id);
        BackplaneMessagePack.WriteString(writer, serverName);
        BackplaneMessagePack.WriteInt(writer, action);
        BackplaneMessagePack.WriteString(writer, groupName);
        BackplaneMessagePack.WriteString(writer, connectionId);
        return writer.WrittenSpan.ToArray();
    }

    public static (int Id, string ServerName, int Action, string GroupName, string ConnectionId) ReadGroupCommand(ReadOnlySpan<byte> bytes)
    {
        var reader = new BackplaneMessagePackReader(bytes);
        if (reader.ReadArrayHeader() < 5)
        {
            throw new InvalidDataException("Backplane group command has fewer than 5 elements.");
        }
        return ((int)reader.ReadInt(), reader.ReadString() ?? "", (int)reader.ReadInt(), reader.ReadString() ?? "", reader.ReadString() ?? "");
    }

    public static byte[] WriteAck(int id)
    {
        var writer = new ArrayBufferWriter<byte>(8);
        BackplaneMessagePack.WriteArrayHeader(writer, 1);
        BackplaneMessagePack.WriteInt(writer, id);
        return writer.WrittenSpan.ToArray();
    }

    public static int ReadAck(ReadOnlySpan<byte> bytes)
    {
        var reader = new BackplaneMessagePackReader(bytes);
        reader.ReadArrayHeader();
        return (int)reader.ReadInt();
    }
}
