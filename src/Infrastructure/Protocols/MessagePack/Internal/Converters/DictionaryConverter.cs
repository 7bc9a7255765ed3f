using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>Dictionary&lt;TKey,TValue&gt; and its interfaces, as a map. Reading a duplicate key keeps the last value.</summary>
internal sealed class DictionaryConverter<TDictionary, TKey, TValue> : MessagePackConverter<TDictionary?>
    where TDictionary : class, IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : notnull
{
    private readonly MessagePackConverter<TKey> _key = MessagePackConverters.Get<TKey>();
    private readonly MessagePackConverter<TValue> _value = MessagePackConverters.Get<TValue>();

    public override TDictionary? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        Expect(ref reader, MessagePackType.Map);
        reader.EnterNested();
        var count = reader.ReadMapHeader();
        var dictionary = new Dictionary<TKey, TValue>(count);
        for (var i = 0; i < count; i++)
        {
            var key = _key.Read(ref reader);
            if (key is null)
            {
                MessagePackBindingException.Throw("A map key is nil.");
            }
            dictionary[key] = _value.Read(ref reader);
        }
        reader.ExitNested();
        return (TDictionary)(object)dictionary;
    }

    public override void Write(ref MessagePackWriter writer, TDictionary? value)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.EnterNested();
        var count = value switch
        {
            IReadOnlyCollection<KeyValuePair<TKey, TValue>> c => c.Count,
            ICollection<KeyValuePair<TKey, TValue>> c => c.Count,
            _ => value.Count(),
        };
        writer.WriteMapHeader(count);
        foreach (var pair in value)
        {
            _key.Write(ref writer, pair.Key);
            _value.Write(ref writer, pair.Value);
        }
        writer.ExitNested();
    }
}
