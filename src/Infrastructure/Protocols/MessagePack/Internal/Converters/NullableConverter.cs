using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class NullableConverter<T> : MessagePackConverter<T?>
    where T : struct
{
    private readonly MessagePackConverter<T> _inner = MessagePackConverters.Get<T>();

    public override T? Read(ref MessagePackReader reader) => reader.TryReadNil() ? null : _inner.Read(ref reader);

    public override void Write(ref MessagePackWriter writer, T? value)
    {
        if (value.HasValue)
        {
            _inner.Write(ref writer, value.GetValueOrDefault());
        }
        else
        {
            writer.WriteNil();
        }
    }
}
