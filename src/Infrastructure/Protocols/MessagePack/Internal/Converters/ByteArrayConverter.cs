using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class ByteArrayConverter : MessagePackConverter<byte[]?>
{
    public override byte[]? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        Expect(ref reader, MessagePackType.Binary);
        return reader.ReadBinary();
    }

    public override void Write(ref MessagePackWriter writer, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value.AsSpan());
        }
    }
}
