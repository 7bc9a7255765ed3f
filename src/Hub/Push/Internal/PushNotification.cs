using System.Text.Json.Serialization;

namespace ImSignalR.Hub.Push.Internal;

/// <summary>One entry of a webhook batch: <c>{"notifications":[…]}</c>. <c>msgId</c> is a string, as on
/// the hub's wire (64-bit ids do not fit a JavaScript number).</summary>
internal sealed record PushNotification(
    [property: JsonPropertyName("userId")] string UserId,
    [property: JsonPropertyName("chatId")] string ChatId,
    [property: JsonPropertyName("msgId")] string MsgId,
    [property: JsonPropertyName("fromUserId")] string FromUserId,
    [property: JsonPropertyName("preview"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Preview,
    [property: JsonPropertyName("badge")] long Badge);

/// <summary>The request body.</summary>
internal sealed record PushBatch([property: JsonPropertyName("notifications")] IReadOnlyList<PushNotification> Notifications);
