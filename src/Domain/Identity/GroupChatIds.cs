using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;

namespace ImSignalR.Domain.Identity;

/// <summary>
/// Group ids and the chat ids of group timelines: <c>grp:{groupId}</c>, the group id a positive decimal 64-bit
/// number (SPEC §10). A C2C chat id starts with <c>c2c:</c>, so the two never collide.
/// </summary>
public static class GroupChatIds
{
    public const string Prefix = "grp:";

    public static string For(long groupId) => Prefix + groupId.ToString(CultureInfo.InvariantCulture);

    public static bool IsGroup(string? chatId) => chatId is not null && chatId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The decimal group id of a group chat id, null for anything else (C2C, malformed).</summary>
    public static string? GroupIdOf(string chatId) =>
        TryParseChatId(chatId, out var id) ? id.ToString(CultureInfo.InvariantCulture) : null;

    public static bool TryParseChatId(string? chatId, out long groupId)
    {
        groupId = 0;
        return IsGroup(chatId) && TryParseGroupId(chatId![Prefix.Length..], out groupId);
    }

    public static bool TryParseGroupId(string? groupId, out long value)
    {
        value = 0;
        // Canonical digits only: "007" or "+7" would name the same group under a second chat id.
        return groupId is { Length: > 0 and <= 19 } && groupId[0] is >= '1' and <= '9'
            && groupId.All(char.IsAsciiDigit)
            && long.TryParse(groupId, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
    }

    /// <exception cref="ImException"><c>IM_INVALID_ARGUMENT</c> when <paramref name="groupId"/> is not a group id.</exception>
    public static long ParseGroupId(string? groupId) =>
        TryParseGroupId(groupId, out var value) ? value : throw ImException.Invalid("'groupId' must be a group id (a positive decimal number).");

    /// <exception cref="ImException"><c>IM_INVALID_CHAT_ID</c> when <paramref name="chatId"/> is not <c>grp:{groupId}</c>.</exception>
    public static long ParseChatId(string? chatId) =>
        TryParseChatId(chatId, out var value) ? value : throw new ImException(ImErrorCode.InvalidChatId, "'chatId' must look like grp:{groupId}.");
}
