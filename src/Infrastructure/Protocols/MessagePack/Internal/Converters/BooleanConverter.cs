using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class BooleanConverter : MessagePackConverter<bool>
{
    public override bool Read(ref MessagePackReader reader)
    {
        Expect(ref reader, MessagePackType.Boolean);
        return reader.ReadBoolean();
    }

    public override void Write(ref MessagePackWriter writer, bool value) => writer.Write(value);
}
