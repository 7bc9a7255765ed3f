using System.Text;
using System.Text.Json;

namespace ImSignalR.Domain.Groups;

/// <summary>
/// The system messages of a group's timeline (SPEC §10): msgFormat 201 added, 202 removed, 203 left, 204 renamed,
/// 205 role changed, 206 dismissed; content a JSON object naming the users, e.g.
/// <c>{"type":"added","actor":"alice","userIds":["bob","carol"]}</c>. Written by hand with <see cref="Utf8JsonWriter"/>
/// (escaping included) so the domain needs no serializer context.
/// </summary>
public static class GroupSystemMessages
{
    public const int Added = 201;
    public const int Removed = 202;
    public const int Left = 203;
    public const int Renamed = 204;
    public const int RoleChanged = 205;
    public const int Dismissed = 206;

    public static bool IsSystemFormat(int msgFormat) => msgFormat is >= Added and <= Dismissed;

    public static int FormatOf(GroupChangeKind kind) => kind switch
    {
        GroupChangeKind.Created or GroupChangeKind.MembersAdded => Added,
        GroupChangeKind.MembersRemoved => Removed,
        GroupChangeKind.Left => Left,
        GroupChangeKind.Renamed => Renamed,
        GroupChangeKind.RoleChanged => RoleChanged,
        _ => Dismissed,
    };

    public static string ContentOf(GroupChange change)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", change.Kind switch
            {
                GroupChangeKind.Created => "created",
                GroupChangeKind.MembersAdded => "added",
                GroupChangeKind.MembersRemoved => "removed",
                GroupChangeKind.Left => "left",
                GroupChangeKind.Renamed => "renamed",
                GroupChangeKind.RoleChanged => "roleChanged",
                _ => "dismissed",
            });
            json.WriteString("actor", change.ActorId);
            if (change.UserIds.Count > 0)
            {
                json.WriteStartArray("userIds");
                foreach (var id in change.UserIds)
                {
                    json.WriteStringValue(id);
                }
                json.WriteEndArray();
            }
            if (change.Name is not null)
            {
                json.WriteString("name", change.Name);
            }
            if (change.Role is { } role)
            {
                json.WriteString("role", role.ToWire());
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
