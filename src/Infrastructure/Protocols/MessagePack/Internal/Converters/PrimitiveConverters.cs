using System.Globalization;
using System.Numerics;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

internal sealed class StringConverter : MessagePackConverter<string?>
{
    public override string? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        Expect(ref reader, MessagePackType.String);
        return reader.ReadString();
    }

    public override void Write(ref MessagePackWriter writer, string? value) => writer.Write(value);
}

internal sealed class BooleanConverter : MessagePackConverter<bool>
{
    public override bool Read(ref MessagePackReader reader)
    {
        Expect(ref reader, MessagePackType.Boolean);
        return reader.ReadBoolean();
    }

    public override void Write(ref MessagePackWriter writer, bool value) => writer.Write(value);
}

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

/// <summary>Accepts ints as well as floats: JS encoders write whole numbers as ints.</summary>
internal sealed class DoubleConverter : MessagePackConverter<double>
{
    public override double Read(ref MessagePackReader reader)
    {
        var type = reader.NextType;
        if (type is not (MessagePackType.Float or MessagePackType.Integer))
        {
            MessagePackBindingException.ThrowUnexpected(typeof(double), type);
        }
        return reader.ReadDouble();
    }

    public override void Write(ref MessagePackWriter writer, double value) => writer.Write(value);
}

internal sealed class SingleConverter : MessagePackConverter<float>
{
    public override float Read(ref MessagePackReader reader)
    {
        var type = reader.NextType;
        if (type is not (MessagePackType.Float or MessagePackType.Integer))
        {
            MessagePackBindingException.ThrowUnexpected(typeof(float), type);
        }
        return reader.ReadSingle();
    }

    public override void Write(ref MessagePackWriter writer, float value) => writer.Write(value);
}

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

internal sealed class DateTimeConverter : MessagePackConverter<DateTime>
{
    public override DateTime Read(ref MessagePackReader reader)
    {
        Expect(ref reader, MessagePackType.Extension);
        var peek = reader;
        if (peek.ReadExtensionHeader().TypeCode != MessagePackCode.TimestampExtensionType)
        {
            MessagePackBindingException.Throw("Extension is not a timestamp.");
        }
        return reader.ReadDateTime();
    }

    public override void Write(ref MessagePackWriter writer, DateTime value) => writer.Write(value);
}

internal sealed class ByteArrayConverter : MessagePackConverter<byte[]?>
{
    public override byte[]? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        Expect(ref reader, MessagePackType.Binary);
        return reader.ReadBinary();
    }

    public override void Write(ref MessagePackWriter writer, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value.AsSpan());
        }
    }
}
