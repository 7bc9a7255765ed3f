using System.Text;
using System.Text.Json;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Storage.Internal;

/// <summary>What Dapper reads group rows into (settable, for the reason given on <see cref="MessageRow"/>).</summary>
internal sealed class GroupRow
{
    public long GroupId { get; set; }
    public string Name { get; set; } = string.Empty;
    public string OwnerId { get; set; } = string.Empty;
    public int MemberCount { get; set; }
    public long CreatedAt { get; set; }
    public bool Dismissed { get; set; }
    public long LastSeq { get; set; }
    public long LastMsgId { get; set; }
    public long UpdatedAt { get; set; }

    public StoredGroup ToInfo() => new(GroupId, Name, OwnerId, MemberCount, CreatedAt, Dismissed, LastSeq, LastMsgId, UpdatedAt);
}

internal sealed class GroupMemberRow
{
    public long GroupId { get; set; }
    public string UserId { get; set; } = string.Empty;
    public string Role { get; set; } = string.Empty;
    public long JoinSeq { get; set; }
    public long? LeaveSeq { get; set; }
    public long ReadSeq { get; set; }
    public long JoinedAt { get; set; }

    public GroupMembership ToMembership() =>
        new(GroupId, UserId, GroupRoles.TryParse(Role, out var role) ? role : GroupRole.Member, JoinSeq, LeaveSeq, ReadSeq, JoinedAt);
}

/// <summary>A group row joined with one user's membership row.</summary>
internal sealed class UserGroupRow
{
    public long GroupId { get; set; }
    public string Name { get; set; } = string.Empty;
    public string OwnerId { get; set; } = string.Empty;
    public int MemberCount { get; set; }
    public long CreatedAt { get; set; }
    public bool Dismissed { get; set; }
    public long LastSeq { get; set; }
    public long LastMsgId { get; set; }
    public long UpdatedAt { get; set; }
    public string UserId { get; set; } = string.Empty;
    public string Role { get; set; } = string.Empty;
    public long JoinSeq { get; set; }
    public long? LeaveSeq { get; set; }
    public long ReadSeq { get; set; }
    public long JoinedAt { get; set; }

    public (StoredGroup, GroupMembership) ToPair() =>
        (new StoredGroup(GroupId, Name, OwnerId, MemberCount, CreatedAt, Dismissed, LastSeq, LastMsgId, UpdatedAt),
         new GroupMembership(GroupId, UserId, GroupRoles.TryParse(Role, out var role) ? role : GroupRole.Member, JoinSeq, LeaveSeq, ReadSeq, JoinedAt));
}

/// <summary>A <c>messages</c> row with its <c>mentions</c> (group timelines).</summary>
internal sealed class GroupMessageRow
{
    public long MsgId { get; set; }
    public string ClientMsgId { get; set; } = string.Empty;
    public string ChatId { get; set; } = string.Empty;
    public long Seq { get; set; }
    public string FromUserId { get; set; } = string.Empty;
    public string ToUserId { get; set; } = string.Empty;
    public string Content { get; set; } = string.Empty;
    public int MsgFormat { get; set; }
    public string? Ext { get; set; }
    public long SendTime { get; set; }
    public int Status { get; set; }
    public bool Recalled { get; set; }
    public string? Mentions { get; set; }

    public ChatMessage ToMessage() =>
        new(MsgId, ClientMsgId, ChatId, Seq, FromUserId, ToUserId, Content, MsgFormat, Ext, SendTime, (MessageStatus)Status, Recalled,
            MentionsJson.Read(Mentions));
}

/// <summary>The <c>mentions</c> column: a JSON array of user ids (or <c>all</c>), null when none.</summary>
internal static class MentionsJson
{
    public static string? Write(IReadOnlyList<string>? mentions)
    {
        if (mentions is not { Count: > 0 })
        {
            return null;
        }
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var m in mentions)
            {
                json.WriteStringValue(m);
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IReadOnlyList<string>? Read(string? column)
    {
        if (string.IsNullOrEmpty(column))
        {
            return null;
        }
        using var document = JsonDocument.Parse(column);
        return document.RootElement.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
    }
}
