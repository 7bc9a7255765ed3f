using System.Numerics;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>Every integer type: any MessagePack int width is accepted if the value fits.</summary>
internal sealed class IntegerConverter<T> : MessagePackConverter<T>
    where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
{
    private static readonly Int128 Min = Int128.CreateTruncating(T.MinValue);
    private static readonly Int128 Max = Int128.CreateTruncating(T.MaxValue);

    public override T Read(ref MessagePackReader reader)
    {
        Expect(ref reader, MessagePackType.Integer);
        var value = reader.ReadInteger();
        if (value < Min || value > Max)
        {
            MessagePackBindingException.Throw($"{value} does not fit in {typeof(T).Name}.");
        }
        return T.CreateTruncating(value);
    }

    public override void Write(ref MessagePackWriter writer, T value)
    {
        if (T.IsNegative(value))
        {
            writer.Write(long.CreateTruncating(value));
        }
        else
        {
            writer.Write(ulong.CreateTruncating(value));
        }
    }
}
