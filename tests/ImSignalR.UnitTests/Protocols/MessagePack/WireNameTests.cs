using System.Collections;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImSignalR.Contracts;
using ImSignalR.Hub.Hubs;
using ImSignalR.Hub.Protocols.MessagePack;
using MessagePack;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.UnitTests.Protocols.MessagePack;

/// <summary>
/// SPEC §3.4: MessagePack carries the same member names as JSON, both ways. Every wire type — each
/// class of the Contracts namespace and every type reachable from the hub's methods and client events,
/// found by reflection so a new type cannot be forgotten — is populated with distinct values, written
/// with the JSON hub protocol's serializer options and with the hub's MessagePack options, and the two
/// documents must be equal (keys, values, value kinds: msgId stays a string). Read back from MessagePack,
/// it must write the same JSON again, so a member MessagePack writes but does not read fails too.
/// </summary>
public sealed class WireNameTests
{
    private static readonly JsonSerializerOptions Json = new JsonHubProtocolOptions().PayloadSerializerOptions;

    public static TheoryData<Type> WireTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in DiscoverWireTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            data.Add(type);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WireTypes))]
    public void MessagePackWritesAndReadsTheJsonNames(Type type) => AssertSameWire(type);

    [Fact]
    public void DiscoveryFindsTheHubsArgumentsResultsAndEvents()
    {
        var types = DiscoverWireTypes();
        Assert.Contains(typeof(SendRequest), types);
        Assert.Contains(typeof(Conversation), types);
        Assert.Contains(typeof(MessageStatusUpdate), types);
        // Reached only through SyncResult/HistoryResult/Conversation members, not as a method signature.
        Assert.Contains(typeof(ImMessage), types);
    }

    [Fact]
    public void AMemberWithoutDataMemberFailsTheCheck() =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSameWire(typeof(Drifted)));

    [Fact]
    public void ATypeWithoutDataContractFailsTheCheck() =>
        Assert.ThrowsAny<MessagePackSerializationException>(() => AssertSameWire(typeof(Unannotated)));

    [Fact]
    public void AMemberMessagePackCannotReadBackFailsTheCheck() =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSameWire(typeof(WriteOnlyOnTheWire)));

    private static void AssertSameWire(Type type)
    {
        var counter = 0;
        var value = Sample(type, ref counter);
        var json = JsonSerializer.SerializeToNode(value, type, Json);
        var bytes = MessagePackSerializer.Serialize(type, value, MessagePackWire.SerializerOptions);
        var fromMessagePack = JsonNode.Parse(MessagePackSerializer.ConvertToJson(bytes, MessagePackWire.SerializerOptions));
        AssertSameTree(json, fromMessagePack, type.Name);

        var readBack = MessagePackSerializer.Deserialize(type, bytes, MessagePackWire.SerializerOptions);
        AssertSameTree(json, JsonSerializer.SerializeToNode(readBack, type, Json), type.Name + " read back");
    }

    private static void AssertSameTree(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case JsonObject obj:
                var other = Assert.IsType<JsonObject>(actual);
                Assert.True(
                    obj.Select(p => p.Key).Order(StringComparer.Ordinal).SequenceEqual(other.Select(p => p.Key).Order(StringComparer.Ordinal)),
                    $"{path}: JSON keys [{string.Join(", ", obj.Select(p => p.Key))}] but MessagePack keys [{string.Join(", ", other.Select(p => p.Key))}]");
                foreach (var (key, child) in obj)
                {
                    AssertSameTree(child, other[key], $"{path}.{key}");
                }
                break;
            case JsonArray array:
                var otherArray = Assert.IsType<JsonArray>(actual);
                Assert.True(array.Count == otherArray.Count, $"{path}: {array.Count} elements in JSON, {otherArray.Count} in MessagePack");
                for (var i = 0; i < array.Count; i++)
                {
                    AssertSameTree(array[i], otherArray[i], $"{path}[{i}]");
                }
                break;
            default:
                // Raw text compares the kind too: "123" (a string) is not 123.
                Assert.True(expected?.ToJsonString() == actual?.ToJsonString(), $"{path}: JSON {expected?.ToJsonString() ?? "null"}, MessagePack {actual?.ToJsonString() ?? "null"}");
                break;
        }
    }

    private static HashSet<Type> DiscoverWireTypes()
    {
        var contracts = typeof(ImMessage).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ImMessage).Namespace && t.IsPublic && t.IsClass && !(t.IsAbstract && t.IsSealed));
        var hubMethods = typeof(ChatHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(ChatHub));
        var signatures = hubMethods.Concat(typeof(IChatClient).GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType));

        var found = new HashSet<Type>();
        var pending = new Queue<Type>(contracts.Concat(signatures));
        while (pending.TryDequeue(out var type))
        {
            if (type.IsGenericType)
            {
                // Task<T>, IReadOnlyList<T>, IReadOnlyDictionary<K, V>, Nullable<T>: what travels is inside.
                foreach (var argument in type.GetGenericArguments())
                {
                    pending.Enqueue(argument);
                }
                continue;
            }
            if (type.IsClass && type.Namespace?.StartsWith("ImSignalR.", StringComparison.Ordinal) == true && found.Add(type))
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    pending.Enqueue(property.PropertyType);
                }
            }
        }
        return found;
    }

    /// <summary>A value with every member set to something distinct and not its default.</summary>
    private static object Sample(Type type, ref int counter)
    {
        counter++;
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Sample(underlying, ref counter);
        }
        if (type == typeof(string))
        {
            return "s" + counter;
        }
        if (type == typeof(int))
        {
            return 100 + counter;
        }
        if (type == typeof(long))
        {
            // Beyond 32 bits, so a narrowing on either side shows.
            return 5_000_000_000L + counter;
        }
        if (type == typeof(bool))
        {
            return true;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>)))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Sample(element, ref counter));
            list.Add(Sample(element, ref counter));
            return list;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var map
            && (map == typeof(IReadOnlyDictionary<,>) || map == typeof(IDictionary<,>) || map == typeof(Dictionary<,>)))
        {
            var arguments = type.GetGenericArguments();
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
            dictionary.Add(Sample(arguments[0], ref counter), Sample(arguments[1], ref counter));
            return dictionary;
        }
        if (type.IsClass && type.GetConstructor(Type.EmptyTypes) is not null)
        {
            var instance = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
            {
                property.SetValue(instance, Sample(property.PropertyType, ref counter));
            }
            return instance;
        }
        throw new NotSupportedException($"No sample for {type}: teach {nameof(Sample)} this member type.");
    }

    [DataContract]
    public sealed class Drifted
    {
        [DataMember(Name = "kept")]
        public string? Kept { get; init; }

        public string? Forgotten { get; init; }
    }

    public sealed class Unannotated
    {
        public string? Name { get; init; }
    }

    [DataContract]
    public sealed class WriteOnlyOnTheWire
    {
        [DataMember(Name = "name")]
        public string? Name { get; init; }

        // Written under its name, but MessagePack sets only public setters, so it is never read back.
        [DataMember(Name = "stamp")]
        public string? Stamp { get; private set; }
    }
}
