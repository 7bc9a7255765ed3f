using System.Globalization;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>decimal travels as a str, as MessagePack-CSharp sends it.</summary>
internal sealed class DecimalConverter : MessagePackConverter<decimal>
{
    public override decimal Read(ref MessagePackReader reader)
    {
        Expect(ref reader, MessagePackType.String);
        var text = reader.ReadString();
        if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            MessagePackBindingException.Throw("Not a decimal string.");
        }
        return value;
    }

    public override void Write(ref MessagePackWriter writer, decimal value) =>
        writer.Write(value.ToString(CultureInfo.InvariantCulture));
}
