using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>
/// One UTC day of <c>GET /api/admin/stats</c> (SPEC §12), counted as log events are applied to the store.
/// </summary>
[DataContract]
public sealed record DailyStats
{
    /// <summary>The UTC day, <c>YYYY-MM-DD</c>.</summary>
    [DataMember(Name = "day")]
    public required string Day { get; init; }

    /// <summary>C2C messages stored that day (by their create time); a redelivered event counts once.</summary>
    [DataMember(Name = "messagesC2c")]
    public required long MessagesC2c { get; init; }

    /// <summary>Group messages; 0 until group chat (SPEC §10) exists.</summary>
    [DataMember(Name = "messagesGroup")]
    public required long MessagesGroup { get; init; }

    /// <summary>Distinct users who sent at least one stored message that day.</summary>
    [DataMember(Name = "activeSenders")]
    public required long ActiveSenders { get; init; }

    /// <summary>Conversations whose first message (seq 1) was stored that day.</summary>
    [DataMember(Name = "newConversations")]
    public required long NewConversations { get; init; }

    /// <summary>Groups created; 0 until group chat (SPEC §10) exists.</summary>
    [DataMember(Name = "groupsCreated")]
    public required long GroupsCreated { get; init; }

    /// <summary>Recalls that erased a message that day (by the recall's time); a repeated recall counts once.</summary>
    [DataMember(Name = "recalls")]
    public required long Recalls { get; init; }

    /// <summary>Sends that moderation refused or masked, counted by the node that reviewed them.</summary>
    [DataMember(Name = "moderationHits")]
    public required long ModerationHits { get; init; }

    /// <summary>A day with nothing counted.</summary>
    public static DailyStats Empty(DateOnly day) => new()
    {
        Day = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        MessagesC2c = 0,
        MessagesGroup = 0,
        ActiveSenders = 0,
        NewConversations = 0,
        GroupsCreated = 0,
        Recalls = 0,
        ModerationHits = 0,
    };
}
