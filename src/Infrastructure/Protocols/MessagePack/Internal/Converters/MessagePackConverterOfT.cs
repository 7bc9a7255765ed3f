using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>Typed converter: members and elements go through this to avoid boxing.</summary>
internal abstract class MessagePackConverter<T> : MessagePackConverter
{
    public override Type Type => typeof(T);

    public abstract T Read(ref MessagePackReader reader);

    public abstract void Write(ref MessagePackWriter writer, T value);

    public override object? ReadObject(ref MessagePackReader reader) => Read(ref reader);

    public override void WriteObject(ref MessagePackWriter writer, object? value) => Write(ref writer, (T)value!);

    /// <summary>Checks the next value's family so a mismatch is a binding failure, not a protocol error.</summary>
    protected static void Expect(ref MessagePackReader reader, MessagePackType expected)
    {
        var actual = reader.NextType;
        if (actual != expected)
        {
            if (actual == MessagePackType.Unknown)
            {
                reader.Skip(); // throws the protocol exception for the invalid byte
            }
            MessagePackBindingException.ThrowUnexpected(typeof(T), actual);
        }
    }
}
