using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>Writes any sequence as an array, indexing lists directly and counting only when it must.</summary>
internal static class CollectionWriter
{
    public static void Write<T>(ref MessagePackWriter writer, IEnumerable<T>? value, MessagePackConverter<T> element)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.EnterNested();
        if (value is IReadOnlyList<T> list)
        {
            writer.WriteArrayHeader(list.Count);
            for (var i = 0; i < list.Count; i++)
            {
                element.Write(ref writer, list[i]);
            }
        }
        else
        {
            var items = value is ICollection<T> or IReadOnlyCollection<T> ? value : value.ToList();
            writer.WriteArrayHeader(items switch
            {
                ICollection<T> c => c.Count,
                IReadOnlyCollection<T> c => c.Count,
                _ => 0,
            });
            foreach (var item in items)
            {
                element.Write(ref writer, item);
            }
        }
        writer.ExitNested();
    }
}
