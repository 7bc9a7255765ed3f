using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class SingleConverter : MessagePackConverter<float>
{
    public override float Read(ref MessagePackReader reader)
    {
        var type = reader.NextType;
        if (type is not (MessagePackType.Float or MessagePackType.Integer))
        {
            MessagePackBindingException.ThrowUnexpected(typeof(float), type);
        }
        return reader.ReadSingle();
    }

    public override void Write(ref MessagePackWriter writer, float value) => writer.Write(value);
}
