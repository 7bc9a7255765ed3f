using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>Accepts ints as well as floats: JS encoders write whole numbers as ints.</summary>
internal sealed class DoubleConverter : MessagePackConverter<double>
{
    public override double Read(ref MessagePackReader reader)
    {
        var type = reader.NextType;
        if (type is not (MessagePackType.Float or MessagePackType.Integer))
        {
            MessagePackBindingException.ThrowUnexpected(typeof(double), type);
        }
        return reader.ReadDouble();
    }

    public override void Write(ref MessagePackWriter writer, double value) => writer.Write(value);
}
