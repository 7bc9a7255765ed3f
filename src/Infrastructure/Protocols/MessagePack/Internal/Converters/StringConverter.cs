using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class StringConverter : MessagePackConverter<string?>
{
    public override string? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        Expect(ref reader, MessagePackType.String);
        return reader.ReadString();
    }

    public override void Write(ref MessagePackWriter writer, string? value) => writer.Write(value);
}
