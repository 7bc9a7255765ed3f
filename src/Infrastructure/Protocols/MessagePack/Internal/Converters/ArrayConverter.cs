using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class ArrayConverter<T> : MessagePackConverter<T[]?>
{
    private readonly MessagePackConverter<T> _element = MessagePackConverters.Get<T>();

    public override T[]? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        Expect(ref reader, MessagePackType.Array);
        reader.EnterNested();
        var count = reader.ReadArrayHeader();
        var array = new T[count];
        for (var i = 0; i < count; i++)
        {
            array[i] = _element.Read(ref reader);
        }
        reader.ExitNested();
        return array;
    }

    public override void Write(ref MessagePackWriter writer, T[]? value) =>
        CollectionWriter.Write(ref writer, value, _element);
}
