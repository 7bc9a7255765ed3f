using System.Collections.Concurrent;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>
/// The converter for each type, built on first use and cached for the process: the hot path does a
/// dictionary lookup (or a static field read for <see cref="Get{T}"/>), never reflection.
/// </summary>
internal static class MessagePackConverters
{
    private static readonly ConcurrentDictionary<Type, MessagePackConverter> Cache = new();

    public static MessagePackConverter Get(Type type) => Cache.GetOrAdd(type, Create);

    public static MessagePackConverter<T> Get<T>() => Holder<T>.Instance ??= (MessagePackConverter<T>)Get(typeof(T));

    private static MessagePackConverter Create(Type type)
    {
        if (Primitive(type) is { } primitive)
        {
            return primitive;
        }
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Make(typeof(NullableConverter<>), underlying);
        }
        if (type.IsEnum)
        {
            return Make(typeof(EnumConverter<>), type);
        }
        if (type.IsArray && type.GetArrayRank() == 1)
        {
            return Make(typeof(ArrayConverter<>), type.GetElementType()!);
        }
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var arguments = type.GetGenericArguments();
            if (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>)
                || definition == typeof(IList<>) || definition == typeof(ICollection<>) || definition == typeof(IEnumerable<>))
            {
                return Make(typeof(ListConverter<,>), type, arguments[0]);
            }
            if (definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>))
            {
                return Make(typeof(DictionaryConverter<,,>), type, arguments[0], arguments[1]);
            }
        }
        if (type.IsValueType || type.IsPointer || type.IsByRef || typeof(Delegate).IsAssignableFrom(type))
        {
            throw new NotSupportedException($"MessagePack serialization of {type} is not supported.");
        }
        return Make(typeof(DtoConverter<>), type);
    }

    private static MessagePackConverter? Primitive(Type type)
    {
        return Type.GetTypeCode(type) switch
        {
            _ when type.IsEnum => null,
            TypeCode.String => new StringConverter(),
            TypeCode.Boolean => new BooleanConverter(),
            TypeCode.Byte => new IntegerConverter<byte>(),
            TypeCode.SByte => new IntegerConverter<sbyte>(),
            TypeCode.Int16 => new IntegerConverter<short>(),
            TypeCode.UInt16 => new IntegerConverter<ushort>(),
            TypeCode.Char => new IntegerConverter<char>(),
            TypeCode.Int32 => new IntegerConverter<int>(),
            TypeCode.UInt32 => new IntegerConverter<uint>(),
            TypeCode.Int64 => new IntegerConverter<long>(),
            TypeCode.UInt64 => new IntegerConverter<ulong>(),
            TypeCode.Single => new SingleConverter(),
            TypeCode.Double => new DoubleConverter(),
            TypeCode.Decimal => new DecimalConverter(),
            TypeCode.DateTime => new DateTimeConverter(),
            _ when type == typeof(byte[]) => new ByteArrayConverter(),
            _ when type == typeof(Guid) => new GuidConverter(),
            _ when type == typeof(object) => new ObjectConverter(),
            _ => null,
        };
    }

    private static MessagePackConverter Make(Type definition, params Type[] arguments) =>
        (MessagePackConverter)Activator.CreateInstance(definition.MakeGenericType(arguments))!;

    private static class Holder<T>
    {
        public static MessagePackConverter<T>? Instance;
    }
}
