using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class DtoMember<T, TValue> : DtoMember<T>
{
    private readonly Func<T, TValue>? _getter;
    private readonly Action<T, TValue>? _setter;

    // Resolved on first use, not in the constructor, so self-referencing types do not recurse while building.
    private MessagePackConverter<TValue>? _converter;

    public DtoMember(string wireName, bool required, Func<T, TValue>? getter, Action<T, TValue>? setter)
        : base(wireName, required)
    {
        _getter = getter;
        _setter = setter;
    }

    public override bool CanRead => _getter is not null;

    public override bool CanWrite => _setter is not null;

    private MessagePackConverter<TValue> Converter => _converter ??= MessagePackConverters.Get<TValue>();

    public override void ReadInto(ref MessagePackReader reader, T target)
    {
        if (_setter is null)
        {
            reader.Skip();
            return;
        }
        _setter(target, Converter.Read(ref reader));
    }

    public override void WriteFrom(ref MessagePackWriter writer, T source) => Converter.Write(ref writer, _getter!(source));
}
