using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>Guid travels as a str in "D" format, as MessagePack-CSharp sends it.</summary>
internal sealed class GuidConverter : MessagePackConverter<Guid>
{
    public override Guid Read(ref MessagePackReader reader)
    {
        Expect(ref reader, MessagePackType.String);
        if (!Guid.TryParse(reader.ReadString(), out var value))
        {
            MessagePackBindingException.Throw("Not a GUID string.");
        }
        return value;
    }

    public override void Write(ref MessagePackWriter writer, Guid value) => writer.Write(value.ToString("D"));
}
