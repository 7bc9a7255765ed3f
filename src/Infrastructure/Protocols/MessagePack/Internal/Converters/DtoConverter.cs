using System.Buffers;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal.Converters;

/// <summary>
/// A class with public properties, as a map keyed by the camelCase property name (first letter lowered),
/// the same names the JSON protocol uses, so one TypeScript model serves both. Keys are matched exactly
/// first (byte comparison, no string allocated), then ignoring case; unknown keys are skipped.
/// Accessors are compiled once per type, with expression trees (init-only and required setters included).
/// A required member missing from the map is a binding failure, as in System.Text.Json.
/// </summary>
internal sealed class DtoConverter<T> : MessagePackConverter<T?>
    where T : class
{
    private readonly DtoMember<T>[] _members;
    private readonly DtoMember<T>[] _writable;
    private readonly Dictionary<string, int> _byName;
    private readonly Func<T>? _create;
    private readonly ulong _requiredMask;

    public DtoConverter()
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.GetMethod?.IsPublic == true || p.SetMethod?.IsPublic == true))
            .ToArray();
        _members = properties.Select(CreateMember).ToArray();
        _writable = _members.Where(m => m.CanRead).ToArray();
        _byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _members.Length; i++)
        {
            _byName.TryAdd(_members[i].WireName, i);
            if (_members[i].IsRequired && i < 64)
            {
                _requiredMask |= 1UL << i;
            }
        }
        var constructor = typeof(T).GetConstructor(Type.EmptyTypes);
        if (constructor is not null && !typeof(T).IsAbstract)
        {
            _create = Expression.Lambda<Func<T>>(Expression.New(constructor)).Compile();
        }
    }

    public override T? Read(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        Expect(ref reader, MessagePackType.Map);
        if (_create is null)
        {
            MessagePackBindingException.Throw($"{typeof(T).Name} has no public parameterless constructor.");
        }
        reader.EnterNested();
        var count = reader.ReadMapHeader();
        var target = _create();
        var seen = 0UL;
        for (var i = 0; i < count; i++)
        {
            if (reader.NextType != MessagePackType.String)
            {
                MessagePackBindingException.Throw($"{typeof(T).Name} expects str keys.");
            }
            var index = FindMember(reader.ReadStringSequence());
            if (index < 0)
            {
                reader.Skip();
                continue;
            }
            _members[index].ReadInto(ref reader, target);
            if (index < 64)
            {
                seen |= 1UL << index;
            }
        }
        reader.ExitNested();
        if ((seen & _requiredMask) != _requiredMask)
        {
            ThrowMissingRequired(seen);
        }
        return target;
    }

    public override void Write(ref MessagePackWriter writer, T? value)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.EnterNested();
        writer.WriteMapHeader(_writable.Length);
        foreach (var member in _writable)
        {
            writer.WriteString(member.WireNameUtf8);
            member.WriteFrom(ref writer, value);
        }
        writer.ExitNested();
    }

    private int FindMember(ReadOnlySequence<byte> key)
    {
        var span = key.IsSingleSegment ? key.FirstSpan : key.ToArray();
        for (var i = 0; i < _members.Length; i++)
        {
            if (span.SequenceEqual(_members[i].WireNameUtf8))
            {
                return i;
            }
        }
        return _byName.TryGetValue(Encoding.UTF8.GetString(span), out var index) ? index : -1;
    }

    private void ThrowMissingRequired(ulong seen)
    {
        var missing = _members.Where((m, i) => i < 64 && m.IsRequired && (seen & (1UL << i)) == 0).Select(m => m.WireName);
        MessagePackBindingException.Throw($"{typeof(T).Name} is missing required member(s): {string.Join(", ", missing)}.");
    }

    private static DtoMember<T> CreateMember(PropertyInfo property)
    {
        var wireName = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
        var required = property.IsDefined(typeof(RequiredMemberAttribute), inherit: false);
        var target = Expression.Parameter(typeof(T), "target");
        var value = Expression.Parameter(property.PropertyType, "value");
        Delegate? getter = null;
        Delegate? setter = null;
        if (property.GetMethod?.IsPublic == true)
        {
            getter = Expression.Lambda(
                typeof(Func<,>).MakeGenericType(typeof(T), property.PropertyType),
                Expression.Property(target, property),
                target).Compile();
        }
        if (property.SetMethod?.IsPublic == true)
        {
            setter = Expression.Lambda(
                typeof(Action<,>).MakeGenericType(typeof(T), property.PropertyType),
                Expression.Assign(Expression.Property(target, property), value),
                target,
                value).Compile();
        }
        var memberType = typeof(DtoMember<,>).MakeGenericType(typeof(T), property.PropertyType);
        return (DtoMember<T>)Activator.CreateInstance(memberType, wireName, required, getter, setter)!;
    }
}
