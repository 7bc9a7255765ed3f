using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>
/// List&lt;T&gt; and the read-only/collection interfaces it implements. Reads an array into a List&lt;T&gt;;
/// writes any collection value of the declared type as an array.
/// </summary>
internal sealed class ListConverter<TCollection, T> : MessagePackConverter<TCollection?>
    where TCollection : class, IEnumerable<T>
{
    private readonly MessagePackConverter<T> _element = MessagePackConverters.Get<T>();

    public override TCollection? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        Expect(ref reader, MessagePackType.Array);
        reader.EnterNested();
        var count = reader.ReadArrayHeader();
        var list = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(_element.Read(ref reader));
        }
        reader.ExitNested();
        return (TCollection)(object)list;
    }

    public override void Write(ref MessagePackWriter writer, TCollection? value) =>
        CollectionWriter.Write(ref writer, value, _element);
}
