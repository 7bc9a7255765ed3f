using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>
/// The <c>object</c> type: reads into primitives, <c>object?[]</c> and <c>Dictionary&lt;object, object?&gt;</c>
/// (what the official server's contractless resolver produces); writes by the value's runtime type.
/// Integers come back as int when they fit, else long, else ulong.
/// </summary>
internal sealed class ObjectConverter : MessagePackConverter<object?>
{
    public override object? Read(ref MessagePackReader reader)
    {
        switch (reader.NextType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                var integer = reader.ReadInteger();
                if (integer >= int.MinValue && integer <= int.MaxValue)
                {
                    return (int)integer;
                }
                return integer <= long.MaxValue ? (long)integer : (ulong)integer;
            case MessagePackType.Float:
                reader.TryPeekCode(out var code);
                return code == MessagePackCode.Float32 ? reader.ReadSingle() : reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Binary:
                return reader.ReadBinary();
            case MessagePackType.Array:
                reader.EnterNested();
                var array = new object?[reader.ReadArrayHeader()];
                for (var i = 0; i < array.Length; i++)
                {
                    array[i] = Read(ref reader);
                }
                reader.ExitNested();
                return array;
            case MessagePackType.Map:
                reader.EnterNested();
                var count = reader.ReadMapHeader();
                var map = new Dictionary<object, object?>(count);
                for (var i = 0; i < count; i++)
                {
                    var key = Read(ref reader);
                    if (key is null)
                    {
                        MessagePackBindingException.Throw("A map key is nil.");
                    }
                    map[key] = Read(ref reader);
                }
                reader.ExitNested();
                return map;
            case MessagePackType.Extension:
                var peek = reader;
                var header = peek.ReadExtensionHeader();
                if (header.TypeCode == MessagePackCode.TimestampExtensionType)
                {
                    return reader.ReadDateTime();
                }
                MessagePackBindingException.Throw($"Extension type {header.TypeCode} is not supported.");
                return null;
            default:
                reader.Skip(); // the invalid byte 0xC1: throws the protocol exception
                return null;
        }
    }

    public override void Write(ref MessagePackWriter writer, object? value)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        var type = value.GetType();
        if (type == typeof(object))
        {
            writer.WriteMapHeader(0);
            return;
        }
        MessagePackConverters.Get(type).WriteObject(ref writer, value);
    }
}
