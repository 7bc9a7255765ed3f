using System.Collections;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using ImSignalR.Client.Connections;
using ImSignalR.Contracts;
using MessagePack;

namespace ImSignalR.UnitTests.Client;

/// <summary>
/// SPEC §3.4: MessagePack carries the JSON names. For every wire model of ImSignalR.Contracts, the
/// one set the SDK and the hub share (found by reflection, so a new one is covered too), the keys the client's MessagePack settings write equal the names JSON
/// (System.Text.Json web defaults, as SignalR's JSON protocol uses) writes, every member is among
/// them (a member without <c>[DataMember]</c> would silently drop out of MessagePack), and the values
/// survive the round trip.
/// </summary>
public sealed class SdkWireNameTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<Type> Models
    {
        get
        {
            var data = new TheoryData<Type>();
            foreach (var type in WireModels().OrderBy(t => t.Name))
            {
                data.Add(type);
            }
            return data;
        }
    }

    // The models the SDK shares with the hub (ImSignalR.Contracts); HubMethods and the error codes
    // there are no models.
    private static IEnumerable<Type> WireModels() =>
        typeof(ImMessage).Assembly.GetExportedTypes().Where(t => t.Namespace == typeof(ImMessage).Namespace && t.GetCustomAttribute<DataContractAttribute>() is not null);

    [Fact]
    public void EveryRequestAndResultOfTheHubIsAModel()
    {
        var names = WireModels().Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            [
                "AckRequest", "AckResult", "AddGroupMembersResult", "BlockRequest", "BlockResult", "BlockedUsersResult", "Conversation", "CreateGroupRequest",
                "DailyStats", // the admin REST result (GET /api/admin/stats), not a hub one
                "GroupInfo", "GroupMember", "GroupMembersPage", "GroupMembersQuery", "GroupMembersRequest", "GroupReadNotice", "GroupReadReceipts",
                "GroupReadReceiptsRequest", "GroupRequest", "HistoryRequest", "HistoryResult",
                "ImMessage", "MessageRecall", "MessageStatusUpdate", "PresenceInfo", "PresenceRequest", "RecallRequest", "RecallResult",
                "RemoveGroupMembersResult", "SendGroupRequest", "SendRequest", "SendResult", "SetGroupRoleRequest", "SyncRequest", "SyncResult",
                "TypingNotice", "TypingRequest", "UpdateGroupRequest",
            ],
            names);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void MessagePackKeysAreTheJsonNamesOfEveryMember(Type model)
    {
        Assert.NotNull(model.GetCustomAttribute<DataContractAttribute>());
        var value = Sample(model);

        var bytes = MessagePackSerializer.Serialize(model, value, HubConnections.MessagePackOptions);
        var json = JsonSerializer.SerializeToElement(value, model, Json);

        var jsonNames = json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(jsonNames, MapKeys(bytes).Order(StringComparer.Ordinal));
        Assert.Equal(model.GetProperties(BindingFlags.Public | BindingFlags.Instance).Length, jsonNames.Length);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryValueSurvivesAMessagePackRoundTrip(Type model)
    {
        var value = Sample(model);

        var bytes = MessagePackSerializer.Serialize(model, value, HubConnections.MessagePackOptions);
        var back = MessagePackSerializer.Deserialize(model, bytes, HubConnections.MessagePackOptions);

        Assert.Equal(JsonSerializer.Serialize(value, model, Json), JsonSerializer.Serialize(back, model, Json));
    }

    private static string[] MapKeys(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        var count = reader.ReadMapHeader();
        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = reader.ReadString()!;
            reader.Skip();
        }
        Assert.True(reader.End);
        return keys;
    }

    // An instance with every member set to a non-default value, so nothing is skipped as null.
    private static object Sample(Type type)
    {
        var value = Activator.CreateInstance(type)!;
        var index = 1;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            property.SetValue(value, SampleOf(property.PropertyType, index++));
        }
        return value;
    }

    private static object SampleOf(Type type, int index)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "v" + index;
        }
        if (type == typeof(long))
        {
            return (long)index + 10_000_000_000;
        }
        if (type == typeof(int))
        {
            return index;
        }
        if (type == typeof(bool))
        {
            return true;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments()))!;
            dictionary.Add(SampleOf(type.GetGenericArguments()[0], index), SampleOf(type.GetGenericArguments()[1], index));
            return dictionary;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = type.GetGenericArguments()[0];
            var array = Array.CreateInstance(element, 1);
            array.SetValue(SampleOf(element, index), 0);
            return array;
        }
        if (type.Namespace == typeof(ImMessage).Namespace)
        {
            return Sample(type);
        }
        throw new NotSupportedException($"No sample for {type}: add one.");
    }
}
