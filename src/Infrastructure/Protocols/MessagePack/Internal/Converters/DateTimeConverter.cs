using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class DateTimeConverter : MessagePackConverter<DateTime>
{
    public override DateTime Read(ref MessagePackReader reader)
    {
        Expect(ref reader, MessagePackType.Extension);
        var peek = reader;
        if (peek.ReadExtensionHeader().TypeCode != MessagePackCode.TimestampExtensionType)
        {
            MessagePackBindingException.Throw("Extension is not a timestamp.");
        }
        return reader.ReadDateTime();
    }

    public override void Write(ref MessagePackWriter writer, DateTime value) => writer.Write(value);
}
